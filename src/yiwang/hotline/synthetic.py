"""Plausible generated 12345 reports over 海珠区, with the repeats known: for the benchmarks of repeat detection and
for demo data. Nothing here is real: the places are real street names with made-up numbers, the texts are built
from phrases callers use.

A *problem* is one thing wrong at one place (the KTV at 宝业路 88号 playing past midnight), filed under a leaf
category (noise.KTV). Each problem is reported one or more times, by different callers in their own words:
another name for it, another time of day, another complaint about its effect, another request, the address said
differently, the caller standing up to 60 metres away. Those reports are the known repeats. Around them, on
purpose, are the reports that must not be linked: the same kind of problem at a neighbouring place 80–250 metres
away (another KTV further down the road: the hard case, which only the address tells apart), another problem of
the same parent category at the same place (the square dancers outside the same estate), and the same kind of
problem elsewhere in the district.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass

from .repeats import METRES_PER_DEGREE_LATITUDE, METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR, Report

# 海珠区 roughly: an island between the Pearl River's channels.
WEST, EAST, SOUTH, NORTH = 113.245, 113.405, 23.050, 23.110
ROADS = [
    "江南西路",
    "江南大道中",
    "宝业路",
    "昌岗中路",
    "工业大道中",
    "新港西路",
    "新港中路",
    "赤岗北路",
    "琶洲大道",
    "南洲路",
    "东晓南路",
    "广州大道南",
    "滨江东路",
    "江燕路",
    "南华西路",
    "洪德路",
    "宝岗大道",
    "晓港西马路",
    "石榴岗路",
    "前进路",
    "素社直街",
    "海幢路",
    "龙凤街",
    "沙园路",
    "凤阳路",
    "瑞康路",
    "江海大道",
    "华洲路",
]
LANDMARKS = ["小区", "花园", "市场", "地铁站", "公交站", "商业街", "城中村", "大厦", "学校", "公园", "菜市场", "广场"]

# category -> problem -> (words that name it, phrases of its effect, requests)
PROBLEMS = {
    "noise": {
        "KTV": (["KTV", "卡拉OK"], ["唱歌到凌晨", "音响声音很大", "天天唱到半夜"]),
        "广场舞": (["广场舞", "跳舞的音箱"], ["音乐声很大", "早上六点就开始放音乐", "晚上跳到十点多"]),
        "夜间施工": (["工地夜间施工", "工地晚上打桩"], ["机器轰鸣", "半夜还在施工", "打桩声音很大"]),
        "酒吧": (["酒吧", "清吧"], ["驻唱声音很大", "客人喧哗到凌晨", "音乐震得窗户响"]),
        "装修": (["楼上装修", "邻居装修"], ["电钻声", "周末一大早就敲墙", "中午也在装修"]),
        "空调外机": (["空调外机", "商铺的空调外机"], ["嗡嗡响", "噪音对着卧室", "整夜轰鸣"]),
    },
    "street_vending": {
        "水果摊": (["水果摊", "卖水果的三轮车"], ["占了人行道", "把路堵住了", "摆到马路上"]),
        "烧烤摊": (["烧烤摊", "夜宵烧烤档"], ["桌椅摆满人行道", "烟熏火燎", "占道到凌晨"]),
        "早餐档": (["早餐档", "卖早餐的推车"], ["堵住小区门口", "占用盲道", "污水流到路上"]),
    },
    "parking": {
        "共享单车": (["共享单车", "单车"], ["堆满路口", "挡住了出入口", "乱停乱放"]),
        "消防通道": (["小汽车占用消防通道", "私家车堵消防通道"], ["消防车进不来", "长期停在消防通道", "通道被堵"]),
        "货车": (["大货车", "泥头车"], ["停在路边过夜", "挡住视线", "占用车道"]),
    },
    "construction": {
        "天台加建": (["天台加建", "楼顶违建"], ["搭了铁皮房", "加建了一层", "违章加盖"]),
        "铁皮棚": (["铁皮棚", "违章铁皮屋"], ["搭在空地上", "占用公共通道", "越搭越大"]),
    },
    "water": {
        "停水": (["停水", "没有自来水"], ["已经两天", "没有通知就停水", "一直没来水"]),
        "水管爆裂": (["水管爆裂", "水管漏水"], ["水漫到路上", "一直在冒水", "路面积水"]),
        "水质发黄": (["自来水发黄", "水质浑浊"], ["有异味", "不敢饮用", "放了很久还是黄"]),
    },
    "cooking_fumes": {
        "餐馆油烟": (["餐馆油烟", "饭店排烟"], ["直排到居民楼", "呛得开不了窗", "没有装净化器"]),
    },
}
TIMES = ["最近", "这几天", "每天晚上", "经常", "一直", "这个月以来", "周末", ""]
EFFECTS = ["严重影响休息", "影响居民生活", "老人小孩受不了", "已经反映多次", "非常扰民", "存在安全隐患"]
REQUESTS = ["请尽快处理", "希望有关部门管一管", "请派人来看看", "要求整改", "请相关部门核实处理", ""]
OPENERS = ["", "市民反映：", "来电人称", "您好，我要投诉，", "我住在附近，"]


@dataclass(frozen=True)
class Problem:
    key: int
    parent: str
    name: str
    road: str
    number: int
    landmark: str
    longitude: float
    latitude: float

    @property
    def category(self) -> str:
        return f"{self.parent}.{self.name}"


def _offset(longitude: float, latitude: float, low: float, high: float, rng: random.Random) -> tuple[float, float]:
    angle, distance = rng.uniform(0, 2 * math.pi), rng.uniform(low, high)
    x_scale = METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR * math.cos(math.radians(latitude))
    return (
        longitude + distance * math.cos(angle) / x_scale,
        latitude + distance * math.sin(angle) / METRES_PER_DEGREE_LATITUDE,
    )


def _place(problem: Problem, rng: random.Random) -> str:
    """The place as one caller says it, or one operator types it."""
    return rng.choice(
        [
            f"{problem.road}{problem.number}号",
            f"{problem.road}{problem.number}号{problem.landmark}",
            f"{problem.road}{problem.landmark}",
            f"{problem.road}{problem.number}号附近",
            f"{problem.landmark}（{problem.road}）",
        ]
    )


def _say(problem: Problem, rng: random.Random) -> str:
    names, effects = PROBLEMS[problem.parent][problem.name]
    parts = [
        rng.choice(OPENERS),
        _place(problem, rng),
        rng.choice(["的", "旁边的", "附近的", ""]),
        rng.choice(names),
        rng.choice(TIMES),
        rng.choice(effects),
        "，",
        rng.choice(EFFECTS),
        "，",
        rng.choice(REQUESTS),
    ]
    return "".join(parts).strip("，")


def generate(*, problems: int, seed: int, start: dt.datetime, span_days: int = 80) -> tuple[list[Report], list[int]]:
    """About `problems` problems' reports and which problem each is about (the truth).

    A third of the problems are reported once, the rest two to six times, within `span_days` of `start`. A quarter
    of the places have the same kind of problem at a neighbouring place, and a quarter another problem of the same
    parent category at the same place."""
    rng = random.Random(seed)
    found: list[Problem] = []

    def add(parent, name, road, number, landmark, longitude, latitude):
        found.append(Problem(len(found), parent, name, road, number, landmark, longitude, latitude))

    while len(found) < problems:
        parent = rng.choice(sorted(PROBLEMS))
        name = rng.choice(sorted(PROBLEMS[parent]))
        longitude, latitude = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
        road, number, landmark = rng.choice(ROADS), rng.randint(1, 400), rng.choice(LANDMARKS)
        add(parent, name, road, number, landmark, longitude, latitude)
        if rng.random() < 0.25:
            near_road = road if rng.random() < 0.6 else rng.choice(ROADS)
            near_landmark = rng.choice([m for m in LANDMARKS if m != landmark])
            add(
                parent,
                name,
                near_road,
                number + rng.randint(6, 60),
                near_landmark,
                *_offset(longitude, latitude, 80, 250, rng),
            )
        others = [other for other in sorted(PROBLEMS[parent]) if other != name]
        if others and rng.random() < 0.25:
            add(parent, rng.choice(others), road, number, landmark, longitude, latitude)
    reports, truth = [], []
    for problem in found:
        times = 1 if rng.random() < 1 / 3 else rng.randint(2, 6)
        for _ in range(times):
            longitude, latitude = _offset(problem.longitude, problem.latitude, 0, 60, rng)
            received = start + dt.timedelta(minutes=rng.randint(0, span_days * 24 * 60))
            reports.append(
                Report(
                    key=len(reports),
                    category=problem.category,
                    longitude=longitude,
                    latitude=latitude,
                    text=_say(problem, rng),
                    received_at=received,
                    address=_place(problem, rng),
                )
            )
            truth.append(problem.key)
    return reports, truth


def pair_scores(pairs: list[tuple[int, int]], truth: list[int]) -> tuple[float, float]:
    """Precision and recall of found pairs (positions) against the pairs of reports about one problem."""
    found = {(min(i, j), max(i, j)) for i, j in pairs}
    by_problem: dict[int, list[int]] = {}
    for position, problem in enumerate(truth):
        by_problem.setdefault(problem, []).append(position)
    expected = {(a, b) for members in by_problem.values() for n, a in enumerate(members) for b in members[n + 1 :]}
    hits = len(found & expected)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(expected) if expected else 1.0
    return precision, recall
