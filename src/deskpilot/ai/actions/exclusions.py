"""The part of a message that leaves items out: "return the boots but keep the jacket",
"everything except the socks", "глобус, атлас и карандаши оставлю", "除了保温杯都退".

A review found such messages returning the kept items too: every item name counted, whatever
was said around it. ``set_apart`` cuts the message into what it asks for and what it leaves
out, and whether the leaving out is an "except" (the rest of the order is meant when nothing
else is named) or a "keep".
"""

# ruff: noqa: RUF001, RUF003 - Chinese punctuation and Russian words in the patterns are meant

from __future__ import annotations

import re
from dataclasses import dataclass

# a clause ends at punctuation, at "but", or at an "and" before a verb of the action (not at
# any "and": "keep the socks and the jacket"; "keep the jacket and return the rest")
_CLAUSE_END = re.compile(
    r"[.;!?\n。；！？]|,|，|\bbut\b|\bно\b|\bа\b|但是|但|不过"
    r"|\band\s+(?=(?:i['’]ll\s+|i\s+will\s+|please\s+)?(?:return|send|ship|refund|cancel)\b)",
    re.IGNORECASE,
)
# the items before a cue that follows them go back to the last "and" or comma of the clause
_ITEMS_START = re.compile(r"\band\b|\bи\b|和|、|,|，", re.IGNORECASE)
# "other than the boots I'd ALSO like to return the socks": an "except" that includes (an
# "also" before it does not: "I'd also like to return everything except the socks")
_ALSO = re.compile(
    r"\b(?:also|too|as\s+well)\b|也|还要|(?<![а-яё])(?:ещё|еще|тоже|также)(?![а-яё])", re.I
)

_EXCEPT = re.compile(
    r"\b(?:except(?:\s+for)?|excluding|apart\s+from|other\s+than|(?:all|everything)\s+but)\b"
    r"|(?<![а-яё])кроме(?![а-яё])|除了|除开|除去",
    re.IGNORECASE,
)
_KEEP = re.compile(  # "I can't keep the boots" keeps nothing
    r"(?<!can['’]t\s)(?<!cannot\s)(?<!won['’]t\s)(?<!don['’]t\s)"
    r"\b(?:keep(?:ing)?|not\s+the|not\s+my|without\s+the|leave\s+out)\b"
    r"|(?<![а-яё])(?:оставлю(?:\s+себе)?|оставляю|оставить(?:\s+себе)?|не\s+возвращаю"
    r"|не\s+буду\s+возвращать|не\s+надо\s+возвращать|без)(?![а-яё])"
    r"|保留|留着|留下|不退|不用退|不要退",
    re.IGNORECASE,
)
# "не красную, а нюд", "不是正红，是豆沙色那支": the one not meant, then the one meant; read
# only when no keep cue is ("Крем не подошёл, а помаду оставлю себе" keeps the lipstick)
_NOT_THIS_BUT = re.compile(
    r"(?<![а-яё])не(?=\s[^,.;!?]{1,40}?,?\s+а\s)|不是(?=[^，,。；]{1,20}[，,]\s*(?:是|要))",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SetApart:
    asked: str  # the message without what it leaves out
    left_out: str  # the words naming what it leaves out ("" when nothing is)
    excepting: bool  # "except"/"кроме"/"除了": the rest of the order is meant by default


def set_apart(text: str) -> SetApart:
    """What the message asks for and what it leaves out (see the module's docstring)."""
    for cue_pattern, excepting in ((_EXCEPT, True), (_KEEP, False), (_NOT_THIS_BUT, False)):
        cue = cue_pattern.search(text)
        if cue is None or (excepting and _ALSO.search(text, cue.end())):
            continue
        start, end = _clause(text, cue.start(), cue.end())
        after = text[cue.end() : end]
        before = text[start : cue.start()]
        if _names_something(after):
            return SetApart(text[: cue.start()] + text[end:], after, excepting)
        starts = [found.end() for found in _ITEMS_START.finditer(before)]
        tail = before[starts[-1] :] if starts else before  # "атлас и карандаши оставлю": pencils
        cut_from = cue.start() - len(tail)
        return SetApart(text[:cut_from] + text[end:], tail, excepting)
    return SetApart(text, "", excepting=False)


def _clause(text: str, at: int, cue_end: int) -> tuple[int, int]:
    """The start and end of the clause around the cue at ``at`` ending at ``cue_end``."""
    start = 0
    for found in _CLAUSE_END.finditer(text, 0, at):
        start = found.end()
    following = _CLAUSE_END.search(text, cue_end)
    return start, following.start() if following else len(text)


def _names_something(words: str) -> bool:
    """More than filler after the cue ("keep the jacket" names; "оставлю" alone does not)."""
    return bool(
        re.sub(r"[\W_]+|\b(?:the|my|it|them|please|пожалуйста|себе)\b|[了吧的啊呢]", "", words)
    )
