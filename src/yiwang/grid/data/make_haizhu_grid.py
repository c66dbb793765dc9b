"""Generates haizhu_grid.geojson, the demo's 网格 of 海珠区. SYNTHETIC: not the district's real grid.

    PYTHONPATH=src .venv/bin/python src/yiwang/grid/data/make_haizhu_grid.py

Run once; the output is committed and `yiwang.grid.reference.load_grid` loads it. The run is deterministic (no
randomness, fixed coordinates), so running it again rewrites the same file.

What is real: the district's code (440105), its rough place (an island between the Pearl River's channels, about
113.235–113.415 E and 23.045–23.115 N) and the names of its 18 streets, placed roughly where they lie. What is
invented: the outline (a hand-drawn polygon of 19 vertices), the street boundaries (each lattice square goes to
the nearest street seed), the communities (the streets' existing demo communities kept, the others named and
coded for the demo: street code + 3 digits) and the cells: a lattice of squares of 0.005° (about 510 × 555 m)
clipped to the outline, slivers on the shore merged into a neighbour, so the cells tile the outline with no
overlap and no gap.

The FeatureCollection carries one Polygon feature per cell (properties: code, name, community) and, as a
foreign member "yiwang", the outline and the streets' and communities' codes and names.
"""

import json
import math
from pathlib import Path

import shapely
from shapely.geometry import Polygon, box, mapping
from shapely.geometry.polygon import orient

OUT = Path(__file__).with_name("haizhu_grid.geojson")
DISTRICT = ("440105", "海珠区")
# Clockwise from the western tip at 白鹅潭; north shore along the 前航道, south shore along the 后航道.
OUTLINE = [
    (113.235, 23.088),
    (113.245, 23.104),
    (113.258, 23.112),
    (113.280, 23.114),
    (113.300, 23.115),
    (113.325, 23.112),
    (113.350, 23.108),
    (113.375, 23.106),
    (113.398, 23.102),
    (113.415, 23.094),
    (113.410, 23.080),
    (113.398, 23.066),
    (113.380, 23.055),
    (113.355, 23.047),
    (113.325, 23.045),
    (113.300, 23.048),
    (113.278, 23.052),
    (113.260, 23.060),
    (113.245, 23.072),
]
STEP = 0.005
# Pieces of a square cut by the shore smaller than this share of a whole square join a neighbour.
SLIVER = 0.35
# A 1e-7° grid (about 1 cm): every vertex snapped to it, so neighbours share their vertices exactly.
PRECISION = 1e-7
# (code, name, seed lon, seed lat, community names; the first one of 南洲, 江南中 and 琶洲 exists already).
STREETS = [
    ("440105001", "南洲街道", 113.305, 23.062, ["南洲社区", "东风社区", "沥滘社区", "三滘社区"]),
    ("440105002", "江南中街道", 113.283, 23.098, ["同福社区", "南武社区", "福场社区", "江南大道社区"]),
    ("440105003", "琶洲街道", 113.372, 23.098, ["琶洲社区", "黄埔村社区", "新洲社区", "会展社区"]),
    ("440105004", "赤岗街道", 113.335, 23.100, ["赤岗社区", "珠江帝景社区", "客村社区", "石榴岗社区"]),
    ("440105005", "新港街道", 113.312, 23.104, ["新港社区", "中大社区", "康乐社区", "鹭江社区"]),
    ("440105006", "昌岗街道", 113.289, 23.088, ["昌岗社区", "晓港社区", "怡乐社区", "江燕社区"]),
    ("440105007", "滨江街道", 113.296, 23.110, ["滨江社区", "白云社区", "洪德社区", "珠影社区"]),
    ("440105008", "素社街道", 113.279, 23.106, ["素社社区", "敦和社区", "岭海社区", "前进社区"]),
    ("440105009", "海幢街道", 113.268, 23.110, ["海幢社区", "同庆社区", "鳌洲社区", "南田社区"]),
    ("440105010", "南华西街道", 113.255, 23.106, ["南华西社区", "龙导尾社区", "洪德巷社区", "联星社区"]),
    ("440105011", "龙凤街道", 113.266, 23.099, ["龙凤社区", "南泰社区", "白鹤社区", "青凤社区"]),
    ("440105012", "沙园街道", 113.257, 23.091, ["沙园社区", "工业大道社区", "广纸社区", "中元社区"]),
    ("440105013", "宝岗街道", 113.272, 23.089, ["宝岗社区", "福宁社区", "南箕社区", "宝业社区"]),
    ("440105014", "南石头街道", 113.246, 23.081, ["南石头社区", "南景社区", "安东社区", "聚德社区"]),
    ("440105015", "凤阳街道", 113.300, 23.078, ["凤阳社区", "凤和社区", "燕子岗社区", "晓园社区"]),
    ("440105016", "瑞宝街道", 113.275, 23.068, ["瑞宝社区", "瑞南社区", "泰宁社区", "石溪社区"]),
    ("440105017", "江海街道", 113.325, 23.080, ["江海社区", "红卫社区", "大塘社区", "上涌社区"]),
    ("440105018", "华洲街道", 113.375, 23.070, ["华洲社区", "龙潭社区", "土华社区", "小洲社区"]),
]
# A degree of longitude is shorter than one of latitude here: distances are measured in kilometres-alike units.
KX = math.cos(math.radians(23.08))


def _snap(geometry):
    return shapely.set_precision(geometry, PRECISION)


def _pieces(outline: Polygon) -> list[tuple[int, int, Polygon]]:
    """The lattice squares clipped to the outline, each as (column, row, polygon); a square the shore cuts in
    two gives two pieces."""
    west, south, east, north = outline.bounds
    pieces = []
    for col in range(math.ceil((east - west) / STEP)):
        for row in range(math.ceil((north - south) / STEP)):
            x, y = round(west + col * STEP, 6), round(south + row * STEP, 6)
            clipped = _snap(box(x, y, round(x + STEP, 6), round(y + STEP, 6)).intersection(outline))
            for part in getattr(clipped, "geoms", [clipped]):
                if isinstance(part, Polygon) and not part.is_empty and part.area > 0:
                    pieces.append((col, row, part))
    return pieces


def _merge_slivers(pieces: list[tuple[int, int, Polygon]]) -> list[tuple[int, int, Polygon]]:
    """A small piece on the shore joins the neighbour it shares the longest edge with (smallest first)."""
    whole = STEP * STEP
    pieces = list(pieces)
    while True:
        small = sorted((p for p in pieces if p[2].area < SLIVER * whole), key=lambda p: p[2].area)
        if not small:
            return pieces
        sliver = small[0]
        shared = [(sliver[2].intersection(p[2]).length, i) for i, p in enumerate(pieces) if p is not sliver]
        length, best = max(shared)
        if length == 0:  # an island piece touching nobody: keep it as it is
            pieces[pieces.index(sliver)] = (sliver[0], sliver[1], sliver[2].buffer(0))
            continue
        col, row, neighbour = pieces[best]
        merged = _snap(neighbour.union(sliver[2]))
        pieces[best] = (col, row, merged)
        pieces.remove(sliver)


def _street_of(piece: Polygon) -> int:
    c = piece.centroid
    return min(range(len(STREETS)), key=lambda i: ((c.x - STREETS[i][2]) * KX) ** 2 + (c.y - STREETS[i][3]) ** 2)


def _communities(cells: list[tuple[int, int, Polygon]]) -> list[list[tuple[int, int, Polygon]]]:
    """A street's cells cut into 2–4 communities: bands along the street's longer side, equal in count."""
    k = 2 if len(cells) <= 10 else 3 if len(cells) <= 24 else 4
    cols = {c for c, _r, _p in cells}
    rows = {r for _c, r, _p in cells}
    if len(cols) * KX >= len(rows):
        ordered = sorted(cells, key=lambda p: (p[0], p[1] if p[0] % 2 else -p[1]))
    else:
        ordered = sorted(cells, key=lambda p: (-p[1], p[0] if p[1] % 2 else -p[0]))
    size = math.ceil(len(ordered) / k)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def _ring(polygon: Polygon) -> dict:
    shape = mapping(orient(polygon, 1.0))  # RFC 7946: exterior rings counter-clockwise
    return {"type": "Polygon", "coordinates": [[[round(x, 7), round(y, 7)] for x, y in shape["coordinates"][0]]]}


def build() -> dict:
    outline = _snap(Polygon(OUTLINE))
    pieces = _merge_slivers(_pieces(outline))
    by_street: dict[int, list] = {}
    for piece in pieces:
        by_street.setdefault(_street_of(piece[2]), []).append(piece)
    streets, communities, features = [], [], []
    for index, (code, name, _x, _y, community_names) in enumerate(STREETS):
        streets.append({"code": code, "name": name})
        for number, members in enumerate(_communities(by_street[index]), start=1):
            community = f"{code}{number:03d}"
            communities.append({"code": community, "name": community_names[number - 1], "street": code})
            # Numbered from the north-west: the way a grid office reads its map.
            for seq, (_c, _r, polygon) in enumerate(
                sorted(members, key=lambda p: (-p[2].centroid.y, p[2].centroid.x)), start=1
            ):
                if len(polygon.interiors):
                    raise ValueError(f"{community}-{seq:03d} has a hole")
                features.append(
                    {
                        "type": "Feature",
                        "properties": {
                            "code": f"{community}-{seq:03d}",
                            "name": f"{community_names[number - 1]}第{seq}网格",
                            "community": community,
                        },
                        "geometry": _ring(polygon),
                    }
                )
    return {
        "type": "FeatureCollection",
        "yiwang": {
            "synthetic": True,
            "district": {"code": DISTRICT[0], "name": DISTRICT[1], "outline": _ring(outline)},
            "streets": streets,
            "communities": communities,
        },
        "features": features,
    }


def main() -> None:
    collection = build()
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    OUT.write_text(text.replace('{"type":"Feature",', '\n{"type":"Feature",') + "\n", encoding="utf-8")
    count = len(collection["features"])
    print(f"{OUT.name}: {count} cells, {len(collection['yiwang']['communities'])} communities")


if __name__ == "__main__":
    main()
