# ruff: noqa: RUF001 - Chinese and Russian text and punctuation, as customers write them
"""How urgent a customer message is: ``low`` | ``normal`` | ``high`` | ``urgent``.

Deterministic points, no model:

| signal                                                                   | points |
|--------------------------------------------------------------------------|--------|
| safety: fire, smoke, injury, allergic reaction, electric shock, ...      | 4      |
| explicit urgency: urgent, asap, immediately, 紧急, 马上, срочно, ...      | 3      |
| legal threat: lawyer, sue, court, chargeback, 律师, 起诉, суд, юрист, ... | 2      |
| money wrong: charged twice, unauthorised charge, fraud, 扣了两次, дважды списали, ... | 2 |
| time pressure: today, tonight, still not, for weeks, 今天, 还没, сегодня, до сих пор  | 1 |
| shouting: two or more "!" in a row, or two upper-case words              | 1      |
| sentiment score ≤ ``STRONG_NEGATIVE`` / ≤ ``NEGATIVE``                   | 2 / 1  |

Each signal counts once, however often it appears. ``urgent`` at ``URGENT_AT`` points or more,
``high`` at ``HIGH_AT``, ``low`` when the customer says there is no hurry ("no rush", "不急",
"не срочно") and nothing else scored, ``normal`` otherwise. A phrase such as "not urgent"
is read as the no-hurry cue and never as the urgency cue inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

UrgencyLevel = Literal["low", "normal", "high", "urgent"]

URGENT_AT = 4
HIGH_AT = 2
STRONG_NEGATIVE = -0.6
NEGATIVE = -0.3


def _cues(latin: str, chinese: str, russian: str) -> re.Pattern[str]:
    """One pattern from three alternations: Latin words whole, Chinese as substrings,
    Russian as word beginnings (so one stem covers the case endings)."""
    return re.compile(
        rf"(?<![a-z])(?:{latin})(?![a-z])|(?:{chinese})|(?<![а-яё])(?:{russian})", re.IGNORECASE
    )


_NO_HURRY = _cues(
    r"no rush|no hurry|not urgent|whenever you (?:can|get a chance)|when you have time"
    r"|not in a hurry|just curious|low priority",
    r"不急|不着急|不用急|不紧急|有空再|慢慢来",
    r"не срочно|не к спеху|не торопит|когда будет время|не горит",
)

SIGNALS: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    (
        "safety",
        4,
        _cues(
            r"fire|caught fire|smoke|smoking|burn(?:ed|t|s)?|injur(?:y|ed|ies)|hurt|bleeding"
            r"|allergic(?: reaction)?|poison(?:ed|ing)?|electric shock|shocked me|explod(?:e|ed)"
            r"|dangerous|choking|hospital|unsafe",
            r"着火|起火|冒烟|烧伤|烫伤|受伤|流血|过敏|中毒|触电|漏电|爆炸|危险|医院",
            r"пожар|загорел|дым|ожог|обжёг|обжег|травм|поранил|кровь|аллерг|отрав|ударил[оа]? током"
            r"|током удари|взорв|опасн|больниц",
        ),
    ),
    (
        "explicit_urgency",
        3,
        _cues(
            r"urgent(?:ly)?|asap|a\.s\.a\.p|immediately|right now|right away|emergency"
            r"|as soon as possible|straight away",
            r"紧急|急用|急需|十万火急|马上|立刻|立即|赶紧|尽快|火速",
            r"срочн|немедленн|как можно скорее|прямо сейчас|экстренн|безотлагательн",
        ),
    ),
    (
        "legal_threat",
        2,
        _cues(
            r"lawyer|attorney|sue|suing|lawsuit|legal action|court|small claims|chargeback"
            r"|consumer protection|ombudsman|trading standards|report you|police",
            r"律师|起诉|告你们|法院|法律途径|消协|消费者协会|12315|工商局|报警|曝光",
            r"юрист|адвокат|в суд|суд[аеуо]?(?![а-яё])|судебн|прокуратур|роспотребнадзор"
            r"|полици|заявлени[ея] в",
        ),
    ),
    (
        "money_wrong",
        2,
        _cues(
            r"charged (?:me )?twice|double[- ]charged|charged two times|charged (?:me )?again"
            r"|unauthori[sz]ed (?:charge|payment|transaction)|fraud(?:ulent)?|stolen|hacked"
            r"|money (?:was )?taken",
            r"扣了两次|扣两次|重复扣款|多扣|被盗|盗刷|诈骗|骗子|被扣款",
            r"дважды списал|списали дважды|списали два раза|двойное списание|лишн\w* списани"
            r"|мошенни|украл|взлом",
        ),
    ),
    (
        "time_pressure",
        1,
        _cues(
            r"today|tonight|by tomorrow|deadline|still (?:not|no|haven't|hasn't)|for weeks"
            r"|for days|again and again|(?:third|3rd|fourth) time",
            r"今天|今晚|明天之前|还没|还是没|等了|好几天|一个星期|第三次",
            r"сегодня|до завтра|до сих пор|всё ещё не|все еще не|уже неделю|третий раз",
        ),
    ),
)

# a body in danger now: breathing, a swelling face or throat, chest pain, fainting (a tester's
# "用了晚霜之后脸肿了 呼吸有点不顺" got a bare hand-off): the reply says to get medical help first
_HEALTH_EMERGENCY = _cues(
    r"(?:trouble|difficulty|hard|hard\s+time|can'?t|cannot|struggling\s+to)\s+breath\w*"
    r"|short(?:ness)?\s+of\s+breath|anaphyla\w*|chest\s+pain|fainted|passed\s+out"
    # a state, not a product's use ("patches for eye swelling")
    r"|(?:face|lips?|tongue|throat|eyes?)\s+(?:is|are|got|went|gets|getting|has|have)\s+"
    r"(?:all\s+|really\s+|so\s+|very\s+|been\s+)?(?:swell\w*|swollen|puff(?:ed|ing)\s+up)"
    r"|(?:face|lips?|tongue|throat)\s+(?:swelled|swelling\s+up|swollen)\b",
    # 浮肿 is the puffiness creams are for ("消除眼睛浮肿的眼霜")
    r"呼吸(?:困难|不顺|不畅|急促|不上来)|喘不上气|喘不过气|透不过气|胸痛|胸口疼|晕倒|昏倒|休克"
    r"|(?:脸|嘴唇|嘴|舌头|喉咙|嗓子|眼睛|眼皮)[^，。,.！!浮]{0,3}(?<!浮)肿",
    r"(?:трудно|тяжело|не\s+могу)\s+дыш|задыха|анафилак|бол\w*\s+в\s+груди|обморок"
    r"|потерял\w*\s+сознани|(?:лицо|губы|язык|горло|глаза|веки)\s+(?:\w+\s+)?(?:от[её]к|опух)",
)


def health_emergency(text: str) -> bool:
    """Whether the message tells of a body in danger now (breathing, a swelling face or throat,
    chest pain, fainting), when the reply should say to get medical help first."""
    return _HEALTH_EMERGENCY.search(text) is not None


_SHOUT_MARKS = re.compile(r"[!！]{2,}")
_CAPS_WORD = re.compile(r"\b[A-ZА-ЯЁ]{3,}\b")


@dataclass(frozen=True, slots=True)
class Urgency:
    """The level, the points behind it, and the names of the signals that scored."""

    level: UrgencyLevel
    points: int
    reasons: tuple[str, ...]


def assess_urgency(text: str, sentiment_score: float | None = None) -> Urgency:
    """Urgency of one message; ``sentiment_score`` (-1..1) is the message's sentiment score."""
    no_hurry = bool(_NO_HURRY.search(text))
    scanned = _NO_HURRY.sub(" ", text)
    reasons: list[str] = []
    points = 0
    for name, weight, pattern in SIGNALS:
        if pattern.search(scanned):
            reasons.append(name)
            points += weight
    if _SHOUT_MARKS.search(scanned) or len(_CAPS_WORD.findall(scanned)) >= 2:
        reasons.append("shouting")
        points += 1
    if sentiment_score is not None:
        if sentiment_score <= STRONG_NEGATIVE:
            reasons.append("strongly_negative")
            points += 2
        elif sentiment_score <= NEGATIVE:
            reasons.append("negative")
            points += 1
    level: UrgencyLevel
    if points >= URGENT_AT or "safety" in reasons:
        level = "urgent"
    elif points >= HIGH_AT:
        level = "high"
    elif no_hurry and points == 0:
        level = "low"
        reasons.append("no_hurry")
    else:
        level = "normal"
    return Urgency(level, points, tuple(reasons))
