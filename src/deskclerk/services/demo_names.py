"""Word lists for the demo property: names, phones, matters, notes (fixed; chosen with a seed)."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "芳娜伟敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌波宁琳"
    "鹏飞浩宇欣怡子涵梓轩思雨佳慧俊博晨阳婷颖雪梅志国海燕春晓东林新海丹凤"
)
# A few whole names so the classics (王芳, 李娜, 张伟) always occur.
CLASSIC = ("王芳", "李娜", "张伟", "刘洋", "陈静", "杨勇", "赵敏", "周杰")
EN_FIRST = [
    "James",
    "Mary",
    "John",
    "Linda",
    "Robert",
    "Emma",
    "David",
    "Sarah",
    "Michael",
    "Anna",
    "Peter",
    "Lucy",
    "Daniel",
    "Grace",
    "Thomas",
    "Kate",
    "Chris",
    "Helen",
    "Mark",
    "Julia",
    "Paul",
    "Amy",
    "Kevin",
    "Rachel",
    "Tom",
    "Olivia",
    "Jack",
    "Sophie",
]
EN_LAST = [
    "Smith",
    "Wilson",
    "Brown",
    "Taylor",
    "Chen",
    "Wong",
    "Lee",
    "Green",
    "Miller",
    "Davis",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Hall",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Baker",
    "Adams",
    "Turner",
    "Parker",
    "Evans",
    "Collins",
    "Stewart",
]


class DemoRandom(random.Random):
    """random.Random with cheap draws: the demo makes millions, and a float's 53 bits
    are plenty of uniformity for picking names and minutes."""

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):  # type: ignore[no-untyped-def, override]
        return seq[int(self.random() * len(seq))]

    def weighted(self, seq: Sequence[T], cum_weights: Sequence[float]) -> T:
        """One item of `seq`, drawn by cumulative weights (choices(..., k=1) for less)."""
        return seq[bisect_right(cum_weights, self.random() * cum_weights[-1])]


def chinese_name(rng: random.Random) -> str:
    """A Chinese name of two or three characters."""
    if rng.random() < 0.04:
        return rng.choice(CLASSIC)
    given = rng.choice(GIVEN) if rng.random() < 0.45 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def english_name(rng: random.Random) -> str:
    """An English name, first and last."""
    return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"


def person_name(rng: random.Random, english_share: float = 0.15) -> str:
    """A resident's or visitor's name: mostly Chinese, some English."""
    return english_name(rng) if rng.random() < english_share else chinese_name(rng)


def mobile(rng: random.Random) -> str:
    """A Chinese mainland mobile number (11 digits)."""
    return f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"


# Teams: (name, work kinds, areas); empty areas = the whole site.
TEAMS = (
    ("Plumbing North 水电一班", "plumbing", "North"),
    ("Plumbing South 水电二班", "plumbing", "South,Shops"),
    ("Electrical 电工班", "electrical", ""),
    ("Lifts 电梯班", "lift", ""),
    ("General repairs 综合维修班", "general", ""),
    ("Cleaning 保洁班", "cleaning", ""),
    ("Security 秩序维护部", "security", ""),
)
CLERKS = ("陈静", "刘洋", "Amy Chen", "赵敏", "孙丽", "Lucy Wang")
SUPERVISOR = "周建国"
CONTROL_ROOM = "Control room 中控室"
NIGHT_GUARD = "Night guard 夜班保安"

# What a repair is about, by work kind: (text, priority weights urgent/high/normal/low).
REPAIRS: dict[str, tuple[str, ...]] = {
    "plumbing": (
        "kitchen tap leaking",
        "厨房水龙头漏水",
        "卫生间下水道堵塞",
        "water coming through the ceiling",
        "水管爆裂",
        "马桶漏水",
        "no hot water",
        "阳台地漏返水",
    ),
    "electrical": (
        "power out in the flat",
        "跳闸了",
        "corridor light out",
        "插座没电",
        "doorbell not working",
        "楼道灯不亮",
    ),
    "lift": ("lift stuck between floors", "电梯困人", "lift door not closing", "电梯异响"),
    "general": (
        "door lock broken",
        "门锁坏了",
        "window will not close",
        "防盗门关不上",
        "mailbox door broken",
        "墙面渗水",
    ),
    "cleaning": ("rubbish left in the stairwell", "楼道垃圾未清理", "spill in the lobby"),
    "security": ("car blocking the garage", "车辆堵住出口", "noise at night", "可疑人员"),
}
KIND_WEIGHTS = {
    "plumbing": 34,
    "electrical": 22,
    "lift": 8,
    "general": 22,
    "cleaning": 7,
    "security": 7,
}
URGENT_WORDS = ("爆裂", "困人", "stuck", "ceiling", "power out")

MATTERS: dict[str, tuple[str, ...]] = {
    "complaint": (
        "noise from upstairs at night",
        "楼上噪音扰民",
        "装修噪音",
        "dog barking all evening",
        "垃圾清运不及时",
        "parking space taken again",
        "维修师傅迟到",
        "water bill too high",
    ),
    "inquiry": (
        "parking fee for next month",
        "物业费缴费时间",
        "how to apply for a decoration permit",
        "快递放在哪里",
        "water stop notice times",
        "停水时间",
        "gym opening hours",
    ),
    "help": (
        "locked out of the flat",
        "忘带钥匙",
        "elderly neighbour not answering",
        "帮忙搬运大件",
        "lost a child's bicycle",
    ),
    "suggestion": (
        "more benches in the garden",
        "建议增加充电桩",
        "light the path by building 3",
        "建议延长健身房开放时间",
    ),
    "other": (
        "parcel collection",
        "领取门禁卡",
        "access card not working",
        "借用梯子",
        "moving out on Saturday",
        "大件物品放行",
    ),
}
ANSWERS = (
    "answered on the phone",
    "已电话答复",
    "told the resident the times",
    "已告知业主",
    "explained the procedure",
)
PURPOSES = (
    ("visiting family", 30),
    ("探亲访友", 25),
    ("delivery", 15),
    ("送快递", 12),
    ("decoration work", 8),
    ("装修施工", 6),
    ("estate agent viewing", 3),
    ("meter reading", 1),
)
CONTRACTOR_PURPOSES = ("decoration work", "装修施工")
PLATE_PREFIX = ("沪A", "沪B", "沪C", "苏E", "浙A", "京N")

NOTES = (
    "Keys for {unit} left with security",
    "{unit} 业主钥匙已交秩序维护部",
    "Parcel for {unit} at the desk",
    "{unit} 有大件包裹待领取",
    "Lift {building} out of service until 15:00",
    "Water stop tomorrow 9:00-12:00, notices posted",
    "明天上午停水通知已张贴",
    "Resident of {unit} will call back about the leak",
    "{unit} 回访未接通，请下一班再打",
    "Contractor pass for {unit} expires today",
    "Fire door on floor 12 propped open again",
    "门禁卡机故障，已报修",
    "Cash box counted and handed over",
    "对讲机和钥匙已交接",
)
CANCEL_REASONS = (
    "resident fixed it themselves",
    "业主取消报修",
    "duplicate of an earlier order",
    "not the estate's responsibility (inside the flat, paid work declined)",
)
PAUSE_REASONS = ("waiting for parts", "等待配件", "waiting for the resident", "业主不在家")
COMMENTS_GOOD = ("很满意", "fast and tidy", "师傅很专业", "thank you", "")
COMMENTS_BAD = ("still leaking", "还是漏水", "technician was late", "没修好")
CLOSE_REASONS = ("resident not reachable after three attempts", "三次回访未接通，主管关闭")
