"""Repeat detection (重复工单) and hotspots (老大难): work orders about the same place and the same problem are
linked, and a place whose problem keeps coming back becomes a hotspot with its own owner and deadline.

Two orders are repeats when all of these hold:
- the same category: the leaf of the category tree the operator chose (娱乐场所噪音, not just 噪音扰民), so the
  KTV and the square dancers outside one estate are two problems however alike the callers' words;
- both located, within RADIUS_M metres of each other;
- received within WINDOW of each other;
- their words say the same thing: the cosine of their TF-IDF vectors over the words of the description
  and address (catalog.search.words: jieba, without filler; a work order stores them at intake, terms_of) is at
  least SIMILARITY. The weights come from the batch being compared, so the words every order of a category uses
  (噪音, 扰民, 影响休息) count for little, and the ones that tell two neighbouring places or venues apart
  (宝业路88号 and 宝业路120号, 某某花园) decide.
Links are transitive (union-find): A~B and B~C make one group, as the centre sees one problem reported three times.
A group of HOTSPOT_ORDERS or more is a 老大难 hotspot (hotline.services.hotspots keeps them as records).

Candidates come from buckets of RADIUS_M on a side, per category: an order is compared only with the orders of
its own bucket and the eight around it, so a batch costs about n × (orders nearby), not n².

Distances use a local equirectangular projection around the batch's mean latitude: within a district (tens of
kilometres) it is off by well under 1 %, and it keeps the bucket arithmetic plain. A geodesic library would add a
dependency for a difference of centimetres at these distances.
"""

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from yiwang.catalog.search import words

RADIUS_M = 150.0
WINDOW = dt.timedelta(days=90)
SIMILARITY = 0.5
# A place with this many orders about one problem within WINDOW is a 老大难 hotspot.
HOTSPOT_ORDERS = 3
METRES_PER_DEGREE_LATITUDE = 110_574.0
METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR = 111_320.0


@dataclass(frozen=True)
class Report:
    """What repeat detection reads of a work order."""

    key: object
    category: str
    longitude: float | None
    latitude: float | None
    text: str
    received_at: dt.datetime
    address: str = ""
    # The words stored at intake (WorkOrder.terms split); empty: segment address and text here.
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hotspot:
    category: str
    longitude: float
    latitude: float
    keys: tuple
    first_at: dt.datetime
    last_at: dt.datetime


def terms_of(description: str, address: str) -> str:
    """What a work order stores as its words: those repeat detection compares, space-separated."""
    return " ".join(words(f"{address} {description}"))


class _Groups:
    """Union-find over the reports' positions."""

    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _vectors(reports: list[Report]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors of the texts' words, the IDF from these texts, smoothed as scikit-learn's default
    (log((1 + n) / (1 + df)) + 1): a dozen lines do not justify scikit-learn and SciPy as dependencies."""
    bags = [Counter(report.terms or words(f"{report.address} {report.text}")) for report in reports]
    frequency = Counter(word for bag in bags for word in bag)
    total = len(bags)
    vectors = []
    for bag in bags:
        vector = {word: count * (math.log((1 + total) / (1 + frequency[word])) + 1) for word, count in bag.items()}
        norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
        vectors.append({word: value / norm for word, value in vector.items()})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(value * b.get(word, 0.0) for word, value in a.items())


def repeat_pairs(
    reports: list[Report], *, radius_m: float = RADIUS_M, window: dt.timedelta = WINDOW, similarity: float = SIMILARITY
) -> list[tuple[int, int]]:
    """The pairs (by position in `reports`, lower first) that are repeats of each other."""
    located = [i for i, r in enumerate(reports) if r.longitude is not None and r.latitude is not None]
    if not located:
        return []
    mean_latitude = sum(reports[i].latitude for i in located) / len(located)
    x_scale = METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(mean_latitude))
    points = {i: (reports[i].longitude * x_scale, reports[i].latitude * METRES_PER_DEGREE_LATITUDE) for i in located}
    buckets: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for i, (x, y) in points.items():
        buckets[reports[i].category, math.floor(x / radius_m), math.floor(y / radius_m)].append(i)
    vectors = dict(zip(located, _vectors([reports[i] for i in located]), strict=True))
    pairs = []
    for (category, bx, by), members in buckets.items():
        nearby = [j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in buckets.get((category, bx + dx, by + dy), ())]
        for i in members:
            xi, yi = points[i]
            for j in nearby:
                if j <= i:
                    continue
                xj, yj = points[j]
                if (xi - xj) ** 2 + (yi - yj) ** 2 > radius_m * radius_m:
                    continue
                if abs(reports[i].received_at - reports[j].received_at) > window:
                    continue
                if _cosine(vectors[i], vectors[j]) >= similarity:
                    pairs.append((i, j))
    return pairs


def repeat_groups(reports: list[Report], **limits) -> list[tuple]:
    """The groups of two or more reports about one problem at one place, as tuples of their keys, each in the
    order received; the groups largest first."""
    groups = _Groups(len(reports))
    for i, j in repeat_pairs(reports, **limits):
        groups.join(i, j)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(reports)):
        members[groups.find(i)].append(i)
    found = [sorted(group, key=lambda i: (reports[i].received_at, i)) for group in members.values() if len(group) > 1]
    found.sort(key=lambda group: (-len(group), reports[group[0]].received_at))
    return [tuple(reports[i].key for i in group) for group in found]


def hotspots(reports: Iterable[Report], *, orders: int = HOTSPOT_ORDERS, **limits) -> list[Hotspot]:
    """The places whose problem was reported at least `orders` times: a repeat group that large, placed at its
    reports' mean position."""
    reports = list(reports)
    by_key = {r.key: r for r in reports}
    found = []
    for keys in repeat_groups(reports, **limits):
        if len(keys) < orders:
            continue
        members = [by_key[key] for key in keys]
        found.append(
            Hotspot(
                category=members[0].category,
                longitude=sum(r.longitude for r in members) / len(members),
                latitude=sum(r.latitude for r in members) / len(members),
                keys=keys,
                first_at=members[0].received_at,
                last_at=members[-1].received_at,
            )
        )
    return found
