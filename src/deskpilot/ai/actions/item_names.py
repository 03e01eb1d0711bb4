# ruff: noqa: RUF001 - Chinese and Russian words in the patterns, as customers write them
"""Which lines of an order a message names, without an LLM (pure functions; ``slots.py`` fills
the action's ``item_ids`` with them).

A line is named by its item id, its name (or an alias), loosely by the head word of its name or,
in Russian, by an adjective no other name of the order has, and, among lines that share a name,
by an option ("the blue one", "蓝色那台"). Lines a keep clause leaves out are not named ("return
the boots but keep the jacket", "the ivory one's fine", "米白的留着"): better a line too few
than one too many.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from deskpilot.ai.actions.exclusions import SetApart, set_apart
from deskpilot.ai.actions.return_order import ALL_ITEMS
from deskpilot.knowledge.retrieval.tokenize import tokens
from deskpilot.orders.service import item_key

_ALL_ITEMS = re.compile(
    r"\b(?:all\s+(?:the\s+|of\s+the\s+)?(?:items|things|products)|everything|whole\s+order"
    r"|all\s+of\s+(?:it|them)|the\s+(?:whole\s+)?lot)\b"
    r"|全部|所有|整个订单|整单|(?<![а-яё])(?:вс[её]|весь\s+заказ)(?![а-яё])",
    re.IGNORECASE,
)


# the items a message does not leave out, said only next to the ones it does leave out
_THE_REST = re.compile(
    r"\bthe\s+rest\b|\bthe\s+others\b|其他|其余|其它|(?<![а-яё])остальн\w*", re.IGNORECASE
)


_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]+")


def mentions(text: str, phrase: str) -> bool:
    """Whether the (case-folded) text says the phrase: Russian by word stems ("кружку" names
    "Кружка"), Chinese as a substring, Latin as whole words (a plural too)."""
    words = [re.escape(w) for w in phrase.casefold().split()]
    if not words:
        return False
    if _CYRILLIC.search(phrase):  # by stems: "кружку" names "Кружка"
        stems, said = tokens(phrase), tokens(text)
        return any(said[i : i + len(stems)] == stems for i in range(len(said) - len(stems) + 1))
    if not phrase.isascii():  # Chinese names: as a substring
        return phrase.casefold() in text
    pattern = r"(?<![a-z0-9])" + r"[\s-]+".join(words) + r"(?:e?s)?(?![a-z0-9])"
    return re.search(pattern, text) is not None


def _names_number(text: str, number: str) -> bool:
    return re.search(rf"(?<![0-9]){re.escape(number)}(?![0-9])", text) is not None


# a space between Chinese words ends a clause as a comma does ("深灰色的地毯太暗了 退掉 米白的留着")
_HAN_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
# keep clauses ``set_apart`` does not read: "the ivory one's fine", "the ivory one is ok
# though", "керамическую оставьте"; the clause runs back to the nearest punctuation, "but", "но"
# or its Russian "a" (found apart, so a long message without punctuation is read in linear time)
_KEPT_END = re.compile(
    r"(?:['’]s|\s(?:is|are)|['’]re)\s+(?:fine|ok(?:ay)?|good|great|perfect)\b"
    r"|\s(?:оставьте|оставь|пусть\s+оста[её]тся)(?![а-яё])",
    re.IGNORECASE,
)
_CLAUSE_START = re.compile(
    r"[,.;!?，。；！？]|\bbut\b|(?<![а-яё])(?:но|а)(?![а-яё])", re.IGNORECASE
)


def _kept_clause(text: str) -> tuple[int, int, int] | None:
    """Where a keep clause's words start and end, and where its keep word ends, or None."""
    end = _KEPT_END.search(text)
    if end is None:
        return None
    starts = [found.end() for found in _CLAUSE_START.finditer(text, 0, end.start())]
    start = starts[-1] if starts else 0
    while start < end.start() and text[start].isspace():
        start += 1
    return (start, end.start(), end.end()) if start < end.start() else None


def kept_apart(text: str) -> SetApart:
    """What the message asks for and what it leaves out (``set_apart``), with a space between
    Chinese words ending a clause ("数据线退了吧 充电器留着" keeps the charger only), and the keep
    clauses ``set_apart`` does not read: "the ivory one's fine", "керамическую оставьте"."""
    spaced = _HAN_SPACE.sub("，", text)
    apart = set_apart(spaced)
    kept = _kept_clause(spaced)
    if apart.left_out or kept is None:
        return apart
    start, words_end, end = kept
    return SetApart(spaced[:start] + spaced[end:], spaced[start:words_end], excepting=False)


def item_mentions(
    text: str,
    items: Sequence[Mapping[str, Any]],
    aliases: Mapping[str, Sequence[str]] | None = None,
    *,
    loosely: bool = True,
) -> list[str]:
    """Keys of the order's lines the text names: by item id, name (or an alias), or "all".

    Lines sharing a name are told apart by their options ("the red one") when the text names
    one; otherwise every line of that name is meant. ``aliases`` maps an item name to other
    names for it (a workspace's glossary: "Water Bottle" → ["水瓶", "бутылка"]). ``loosely``, the
    head word of a name of several words (``_head_word``) names it too when no other item of
    the order shares it ("the speaker" for "Bluetooth Speaker", "штангу" for "Штанга
    олимпийская"; "the chair" names neither of two chairs; words that say little of what a
    thing is, such as "card" or "case", never do), and so does a Russian adjective no other
    name has ("керамическую" for "Настольная лампа керамическая").
    """
    keys = [item_key(i) for i in items]
    apart = kept_apart(text)  # "return the boots but keep the jacket": not the jacket
    # what is left out counts when named loosely too: better a line too few than one too many
    left_out = set(item_mentions(apart.left_out, items, aliases)) if apart.left_out else set()
    if left_out - {ALL_ITEMS}:
        asked = item_mentions(apart.asked, items, aliases, loosely=loosely)
        rest = _THE_REST.search(apart.asked) is not None  # "keep the jacket, return the rest"
        if asked == [ALL_ITEMS] or rest or (not asked and apart.excepting):  # "all except X"
            asked = keys
        return [key for key in dict.fromkeys(asked) if key not in left_out]
    folded = text.casefold()
    if _ALL_ITEMS.search(text):
        return [ALL_ITEMS]
    chosen = [n for n, key in enumerate(keys) if key.isdigit() and _names_number(text, key)]
    by_name: dict[str, list[int]] = {}
    for n, item in enumerate(items):
        by_name.setdefault(str(item.get("name") or "").strip(), []).append(n)
    named = [
        name
        for name in by_name
        if name and any(mentions(folded, n) for n in [name, *((aliases or {}).get(name, ()))])
    ]
    # the longest name wins: "Кружка для чая" or "电脑包" named is no second item "Кружка" or
    # "笔记本电脑" (named loosely by "电脑")
    named = [n for n in named if not any(n != m and n.casefold() in m.casefold() for m in named)]
    loose = [
        name
        for name in (_named_loosely(folded, list(by_name)) if loosely else [])
        if not any((_head_word(name) or name) in m.casefold() for m in named)
    ]
    for name in dict.fromkeys([*named, *loose]):
        lines = by_name[name]
        with_options = _best_by_options(folded, items, lines)
        if not with_options and len(lines) > 1 and _one_of_them(folded, name):
            continue  # "a fountain pen" of two: which one is asked
        chosen.extend(with_options or lines)
    if not chosen and loosely:  # "the black one", "豆沙色那支": of lines that share a name
        shared = [lines for lines in by_name.values() if len(lines) > 1]
        chosen = [n for lines in shared for n in _best_by_options(folded, items, lines)]
    return [keys[n] for n in sorted(set(chosen))]


def _best_by_options(
    folded: str, items: Sequence[Mapping[str, Any]], lines: list[int]
) -> list[int]:
    """The lines among ``lines`` (which share a name) that the text names the most options of:
    "the white M one" is White M, not White L nor Sage M; "the white ones" are both white."""
    counts = {n: _options_mentioned(folded, items[n]) for n in lines}
    most = max(counts.values(), default=0)
    return [n for n in lines if most and counts[n] == most]


# last words that say little of what the thing is ("in that case", "to my original card")
_VAGUE_LAST_WORDS = frozenset(
    ("card", "case", "set", "pack", "kit", "box", "bundle", "item", "one", "cover", "holder")
)


_RUSSIAN_ADJECTIVE = re.compile(r"(?:ая|яя|ый|ий|ой|ое|ее|ые|ие)$", re.IGNORECASE)


def _head_word(name: str) -> str | None:
    """What a name is named by loosely: the last word of an English name of several words
    (unless it says little of what the thing is), the noun of a Russian one: its first word
    ("штанга" for "Штанга олимпийская", "коврик" for "Коврик для фитнеса"), or the second after
    an adjective ("дорожка" for "Беговая дорожка"), or a Chinese name's last two
    characters when it has four or more ("耳机" for "无线耳机"; a shorter one, such as "保温杯",
    ends in a one-character noun too vague alone); None for a name of one word."""
    words = name.split()
    if len(words) > 1 and name.isascii():
        named = [w for w in words if not any(c.isdigit() for c in w)]  # "Daypack 20L": daypack
        last = named[-1].casefold() if named else ""
        return last if last and last not in _VAGUE_LAST_WORDS else None
    if len(words) > 1 and _CYRILLIC.match(words[0]):
        adjective = _RUSSIAN_ADJECTIVE.search(words[0]) and _CYRILLIC.match(words[1])
        return words[1 if adjective else 0].casefold()
    if len(words) == 1 and len(name) >= 4 and _HAN_ONLY.fullmatch(name):
        return name[-2:]
    return None


def _named_loosely(folded: str, names: list[str]) -> list[str]:
    """The names whose ``_head_word`` the text holds when no other name shares it (and not
    inside another name said: "rug pad" names no "Jute Area Rug"), and the Russian names with
    a word the text holds that no other name has (``_named_by_own_word``)."""
    by_head: dict[str, list[str]] = {}
    for name in names:
        if (head := _head_word(name)) is not None:
            by_head.setdefault(head, []).append(name)
    by_head_word = [
        same[0]
        for head, same in by_head.items()
        if len(same) == 1 and mentions(_without_other_names(folded, same[0], names), head)
    ]
    return [*by_head_word, *_named_by_own_word(folded, names), *_named_with_zi(folded, names)]


def _named_with_zi(folded: str, names: list[str]) -> list[str]:
    """Chinese names ending in a one-character noun said in its everyday two-character form
    with 子, when no other name of the order ends in it: "椅子" for "丝绒单人椅", "毯子" for
    "羊毛毯" (a tester's "椅子不想要了" went to the only order with something to return)."""
    by_last: dict[str, list[str]] = {}
    for name in names:
        if _HAN_ONLY.fullmatch(name) and len(name) > 1 and not name.endswith("子"):
            by_last.setdefault(name[-1], []).append(name)
    return [
        same[0]
        for last, same in by_last.items()
        if len(same) == 1
        and re.search(rf"(?:^|[^\u4e00-\u9fff]|[的个张把那这条件台只]){last}子", folded)
    ]  # "快递箱子" (a parcel's box) names no "行李箱"


def _said_as(name: str) -> re.Pattern[str] | None:
    """A Latin name of several words as said up to its head word: some of its other words
    right before the head word ("rug pad" of "Rug Pad 5x8"), or None."""
    head = _head_word(name)
    if head is None or not name.isascii():
        return None
    others = {re.escape(w.casefold()) for w in name.split() if w.casefold() != head}
    if not others:
        return None
    words = "|".join(sorted(others))
    return re.compile(rf"(?<![a-z0-9])(?:(?:{words})[\s-]+)+{re.escape(head)}(?:e?s)?(?![a-z0-9])")


def _without_other_names(folded: str, name: str, names: list[str]) -> str:
    """The text without the other names said in it ("rug pad" for a "Rug Pad 5x8"), where the
    head word of ``name`` ("rug" of "Jute Area Rug 5x8") names nothing."""
    for other in names:
        said = _said_as(other) if other != name else None
        folded = said.sub(" ", folded) if said is not None else folded
    return folded


def _named_by_own_word(folded: str, names: list[str]) -> list[str]:
    """Russian names with a word no other name of the order has (an adjective, or a word of
    four letters or more), which the text holds in any form ("льняные лампы", "керамическую"
    beside "Настольная лампа льняная" and "Настольная лампа керамическая"; "сборку" for "Услуга
    сборки"; "настольную" or "лампу" names neither)."""
    if not _CYRILLIC.search(folded):
        return []
    said = set(tokens(folded))
    stems = {name: set(tokens(name)) for name in names if _CYRILLIC.search(name)}
    named = []
    for name in stems:
        others = {s for other, own in stems.items() if other != name for s in own}
        adjectives = {s for w in name.split() if _RUSSIAN_ADJECTIVE.search(w) for s in tokens(w)}
        nouns = stems[name] - adjectives
        # "чёрную футболку" beside "Кепка чёрная": another name's noun said, none of this one's
        if (others - stems[name]) & said and not nouns & said:
            continue
        own = adjectives | {s for s in stems[name] if len(s) > 3}
        if (own - others) & said:
            named.append(name)
    return named


MEASURE_WORD = r"[个件盒瓶支只台双包套条罐片袋]"  # a Chinese count's measure: "一瓶", "两支"
# "a fountain pen", "one of the pens", "одну ручку", "一支口红": one line, not said which
_ONE_BEFORE = re.compile(
    r"(?<![\w-])(?:an?|one|any|одн[уаоий]|один)\s+(?:of\s+(?:the|my)\s+)?(?:[\w-]+\s+)?$"
    rf"|一\s*{MEASURE_WORD}?\s*$"
)


def name_head(name: str) -> str:
    """How a name is looked for whatever its grammatical form: a Chinese name's first character,
    else its first word's first four letters (the stem: "зубн" for "зубную пасту")."""
    first = name.casefold().split()[0] if name.split() else ""
    return first[:1] if _HAN_ONLY.match(first) else first[:4]


def _one_of_them(folded: str, name: str) -> bool:
    """Whether the text asks for one of the lines named ``name`` without saying which: a
    singular article or count right before the name or its head word (or its first word's
    first letters, so "одну ручку" counts for "Ручка перьевая"; "a rug", "一条地毯"), or a Latin
    name or head word in the singular after "the" or "my" ("the gel pen" of two lines, "the
    rug"; "the gel pens" are both)."""
    heads = [h for h in (name_head(name), _head_word(name)) if h]
    said = "|".join(re.escape(n) for n in (name.casefold(), _head_word(name)) if n)
    singular = re.compile(rf"\b(?:the|my|this|that)\s+(?:{said})(?![\w-])")
    return bool(heads) and (
        singular.search(folded) is not None
        or any(
            _ONE_BEFORE.search(folded[: found.start()])
            for head in heads
            for found in re.finditer(re.escape(head), folded)
        )
    )


def _option_words(values: list[str]) -> list[str]:
    """Words that name an option value besides the whole of it: a word of a value of several
    that is more than a number ("豆沙" of the shade "520 豆沙", "black" of "matte black"), and
    a Chinese value's last character with 色 ("蓝色" for the colour "冰川蓝")."""
    words = [w for v in values for w in v.split() if len(v.split()) > 1 and not w.isdigit()]
    shades = [f"{v[-1]}色" for v in values if _HAN_ONLY.fullmatch(v) and len(v) > 1]
    return [w for w in words if len(w) > 1] + [s for s in shades if s != "色色"]


def _options_mentioned(folded: str, item: Mapping[str, Any]) -> int:
    """How many of the item's option values the text names, in whole or by a word of one
    (``_option_words``)."""
    options = item.get("options")
    if not isinstance(options, Mapping):
        return 0
    values = [v for v in options.values() if isinstance(v, str) and v]
    return sum(any(mentions(folded, w) for w in [v, *_option_words([v])]) for v in values)
