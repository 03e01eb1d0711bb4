# ruff: noqa: RUF001 - Chinese and Russian letters and punctuation, as customers write them
"""Filling action slots from the customer's words, without an LLM (pure functions).

Each extractor reads one message; ``fill_slots`` reads the current message first and then the
earlier turns, newest first, so something said before ("my email is ...") still counts; a name
said with "my name is" in any turn comes before one read loosely next to a zip. English,
Chinese and Russian phrasings are recognised; anything not recognised is left empty, and the
action then asks for it (a missing slot), never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from deskpilot.ai.actions.addresses import address_in_two_pieces, postal_address
from deskpilot.ai.actions.answers import asks_something
from deskpilot.ai.actions.cancel_reasons import accepted_reason, cancel_reason
from deskpilot.ai.actions.item_names import item_mentions, mentions
from deskpilot.ai.actions.return_order import ORIGINAL
from deskpilot.kit.pii import KnownValues

# --- order ids ------------------------------------------------------------------------------

# "#W1234567", "W1234567", "w1234567", "订单W1234567": a letter and 5+ digits, or "#" and digits;
# "#TH-10042", "TH-10042", "СП-4512": two or three capitals (Latin or Cyrillic), a hyphen and 4+
# digits (another shop's numbers;
# "Apt B-1204" or "Apt B1204" is no order: ``OrderFocus.mark_order_numbers`` reads a bare
# "T6002" or "DE1255" as one when the shop's orders are numbered so). Lookarounds instead of
# \b: Python counts Chinese characters as word characters.
# "#W1234567", "W1234567", "#TH-10042", "СП-4512", "№ 4512", and digits in two groups
# ("48213077-0013"; without a "#" six digits or more first, so a zip+4 "10004-1234" is none)
_ORDER_ID = re.compile(
    r"(?<![A-Za-zА-Яа-яЁё0-9_@.-])(?:[#№]\s?([A-Za-zА-Яа-яЁё]{0,3}\d{3,12}"
    r"|[A-Za-zА-Яа-яЁё]{1,3}-\d{3,12}|\d{4,12}-\d{2,8})"
    r"|([A-Za-z]\d{5,12}|[A-ZА-ЯЁ]{2,3}-\d{4,12}|\d{6,12}-\d{2,8}))(?![A-Za-zА-Яа-яЁё0-9_@-])"
)


# "кв. № 123", "дом № 5", "офис №305", "счёт № 4512": a "№" that numbers something else
_NUMBERED_OTHERWISE = re.compile(
    r"(?<![а-яё])(?:кв|квартир\w*|дом|д|офис|оф|сч[её]т\w*|паспорт\w*|комн\w*|корп\w*|стр)"
    r"\.?\s*$",
    re.IGNORECASE,
)


def order_ids(text: str) -> list[str]:
    """Order ids in the text, in order, as ``#W1234567`` (upper case, with the ``#``); a "№"
    after a flat, house, office or invoice word numbers that, no order."""
    found = [
        f"#{(m[1] or m[2]).upper()}"
        for m in _ORDER_ID.finditer(text)
        if not (
            text[m.start()] == "№"
            and _NUMBERED_OTHERWISE.search(text[max(0, m.start() - 12) : m.start()])
        )
    ]
    return list(dict.fromkeys(found))


def canonical_order_id(value: str) -> str:
    """An order id as ``order_ids`` writes it ("w1234567" -> "#W1234567"), for comparing one
    a model filled in; anything that is no order id stays as it is."""
    stripped = value.strip()
    found = order_ids(stripped if stripped.startswith("#") else f"#{stripped}")
    return found[0] if len(found) == 1 else value


def without_order_ids(text: str) -> str:
    """The text with its order ids taken out ("#W1234567 yes" -> " yes")."""
    return _ORDER_ID.sub(" ", text)


_ORDER_REFERENCE = re.compile(
    r"\b(?:it|that|this|that one|this one|the same|(?:the|my|that|this|same) order)\b"
    r"|它|这个|那个|这单|那单|该订单|这笔|那笔|订单"
    r"|(?<![а-яё])(?:его|него|её|ее|этот|тот|этого|того|заказ[а-яё]*)(?![а-яё])",
    re.IGNORECASE,
)


# "the first one", "второй заказ", "第一个": which of the orders in the conversation
_ORDINALS = (
    (0, r"first|перв|第\s*[一1]"),
    (1, r"second|втор|第\s*[二2]"),
    (2, r"third|трет|第\s*[三3]"),
    (-1, r"last|последн|最后"),
)
_ORDINAL = re.compile(
    r"\bthe\s+(?P<en>first|second|third|last)\s+(?:one|order)\b"
    r"|(?<![а-яё])(?P<ru>(?:перв|втор|трет|последн)[а-яё]*)\s+(?:заказ(?:а|у|ом|е)?(?![а-яё])"
    r"|из\s+них)"
    r"|^(?P<bare>(?:первый|второй|третий|последний))\W*$"
    r"|\bthe\s+(?P<en_end>first|second|third|last)\W*$"  # "cancel the second"
    r"|(?<![а-яё])(?P<ru_end>(?:перв|втор|трет|последн)(?:ый|ой|ий|ого|его))\W*$"  # "верни второй"
    r"|(?P<zh>第\s*[一二三123]|最后)\s*(?:个|单|笔|一个|一单|那个)",
    re.IGNORECASE,
)
# "the pending one", "доставленный заказ", "待处理的那个": the order in that status
_STATUS_REFERENCE = re.compile(
    r"\bthe\s+(?P<en>pending|processed|delivered|cancell?ed)\s+(?:one|order)\b"
    r"|(?<![а-яё])(?P<ru>ожидающ[а-яё]*|обработанн[а-яё]*|доставленн[а-яё]*|отмен[её]нн[а-яё]*)"
    r"\s+(?:заказ[а-яё]*|из\s+них)"
    r"|(?P<zh>待处理|已处理|已送达|已取消)的",
    re.IGNORECASE,
)
_STATUS_STEMS = {
    "pending": ("pending", "ожидающ", "待处理"),
    "processed": ("processed", "обработанн", "已处理"),
    "delivered": ("delivered", "доставленн", "已送达"),
    "cancelled": ("cancel", "отмен", "已取消"),
}


def ordinal_reference(text: str) -> int | None:
    """0 for "the first one" (1 for the second, 2 for the third, -1 for the last), or None."""
    found = _ORDINAL.search(text.strip())
    if found is None:
        return None
    said = next(group for group in found.groups() if group).casefold()
    return next((index for index, words in _ORDINALS if re.match(words, said, re.IGNORECASE)), None)


def status_reference(text: str) -> str | None:
    """The status in "the pending one", "доставленный заказ", "待处理的那个", or None."""
    found = _STATUS_REFERENCE.search(text)
    if found is None:
        return None
    said = next(group for group in found.groups() if group).casefold()
    return next((status for status, stems in _STATUS_STEMS.items() if said.startswith(stems)), None)


def refers_to_order(text: str) -> bool:
    """Whether the text points at an order without naming it: "it", "that order", "这个订单",
    "the first one", "the pending one"."""
    return (
        _ORDER_REFERENCE.search(text) is not None
        or ordinal_reference(text) is not None
        or status_reference(text) is not None
    )


def resolve_order_id(text: str, remembered: str | None) -> str | None:
    """An order id named in the text (the remembered one when the text names it among others);
    else the remembered one when the text points at it."""
    named = order_ids(text)
    if named:
        return remembered if remembered and canonical_order_id(remembered) in named else named[0]
    return remembered if remembered and refers_to_order(text) else None


# --- contact details ------------------------------------------------------------------------

# starting where a run of such characters starts: linear in the length of a long run without "@"
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)


def emails(text: str) -> list[str]:
    return list(dict.fromkeys(m.rstrip(".") for m in _EMAIL.findall(text)))


# US and Russian/Chinese zips; four digits (Denmark, Switzerland, Australia...), with two letters
# in the Netherlands ("1012 AB"); British postcodes ("N1 9GU", "SW1A 1AA")
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"
# US (and zip+4), six digits (Russia, China), four (Denmark, Switzerland), Dutch "1012 AB",
# Polish "00-950", Portuguese "1000-001", British "N1 9GU"
_POSTCODE = (
    rf"\d{{6}}|\d{{5}}(?:-\d{{4}})?|\d{{4}}-\d{{3}}|\d{{4}}(?-i: ?[A-Z]{{2}})?|\d{{2}}-\d{{3}}"
    rf"|{_UK_POSTCODE}"
)
_ZIP_VALUE = rf"({_POSTCODE})(?![0-9A-Za-z])"
_ZIP_AFTER_WORD = re.compile(
    r"(?:zip(?:\s*code)?|postal\s*code|post\s*code|postcode|邮编|邮政编码|индекс|почтовый индекс)"
    r"[^0-9A-Za-z]{0,12}?(?:(?:is|should\s+be|must\s+be)\s+)?" + _ZIP_VALUE,
    re.IGNORECASE,
)
_BARE_ZIP = re.compile(r"(?<![A-Za-z0-9#@._-])(\d{5}(?:-\d{4})?)(?![A-Za-z0-9@_-])")


_ONLY_A_POSTCODE = re.compile(rf"^\s*{_ZIP_VALUE}\s*[.!。]?\s*$", re.IGNORECASE)


def zip_code(text: str) -> str | None:
    """A zip after "zip"/"邮编"/"индекс"; else a lone five-digit number (a US zip), or a message
    that is only a postcode ("1012", "N1 9GU": the answer to "your zip code?")."""
    labelled = _ZIP_AFTER_WORD.search(text) or _ONLY_A_POSTCODE.search(text)
    if labelled:
        return labelled.group(1).upper()
    bare = _BARE_ZIP.search(text)
    return bare.group(1) if bare else None


_NAME_INTRO = re.compile(
    r"(?:\bmy\s+(?:full\s+)?name\s+is|\bmy\s+name's|\bi\s+am\s+called|\bname\s*:"
    r"|меня\s+зовут|мо[её]\s+имя|имя\s*:)\s+",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_NAME_STOP = {
    # words that end a name: "my name is Noah Brown and my zip is ..."
    "and", "my", "i", "im", "i'm", "from", "with", "zip", "email", "the", "order", "but", "here",
    "и", "мой", "моя", "мое", "моё", "а", "индекс", "почта", "заказ", "живу", "из", "но",
}  # fmt: skip
_ZH_INTRO = re.compile(r"(?:我叫|我的名字是|我的名字叫|名字是|姓名是|姓名[:：])\s*")
_ZH_NAME = re.compile(r"[\u4e00-\u9fff·]{2,4}")
_ZH_STOP = ("邮编", "邮箱", "订单", "我的", "住在", "电话", "地址", "，", "。")


def person_name(text: str) -> str | None:
    """The name after "my name is" / "我叫" / "меня зовут" (at most four words)."""
    zh = _ZH_INTRO.search(text)
    if zh:
        rest = text[zh.end() :]
        han = _ZH_NAME.match(rest)
        if han:
            name = han.group(0)
            for stop in _ZH_STOP:
                name = name.split(stop, 1)[0]
            return name if len(name) >= 2 else None
        text = rest  # a Latin name after 我叫 is read like any other
        return _name_words(text)
    intro = _NAME_INTRO.search(text)
    return _name_words(text[intro.end() :]) if intro else None


def _name_words(rest: str) -> str | None:
    words: list[str] = []
    for token in re.split(r"(\s+)", rest.strip()):
        if token.isspace() or not token:
            continue
        word = _NAME_WORD.match(token)
        if word is None or word.group(0).casefold() in _NAME_STOP:
            break
        words.append(word.group(0).rstrip(".,'’"))
        if word.end() < len(token) or len(words) == 4:  # punctuation after it ends the name
            break
    return " ".join(w for w in words if w) or None


# --- a name given with a zip: the answer to "your full name and zip code" -------------------

# "I'm Noah Brown and my zip code is 80279", "This is Noah Brown, zip 80279", "Noah Brown, 80279",
# "Это Иван Петров, индекс 101000", "我是李伟 邮编200030". Without "my name is", a name is read
# only right next to a zip in the same message: that pairing is what an answer to the bot's
# question "your full name and zip code" looks like, while "I'm angry about order 123" names
# nobody. Two to four words, each starting with a capital letter and none of them an everyday
# word: "I'm so angry, 12345", "Missing parcel, 80279" name nobody either (a name typed in lower
# case needs "my name is"). Verification still has to find exactly one customer with that name
# and zip.
_LETTER = r"[A-Za-z\u00c0-\u024f\u0400-\u04ff]"
_NOT_NAME = frozenset({
    "i", "im", "a", "an", "the", "and", "or", "but", "so", "not", "no", "yes", "very", "really",
    "just", "still", "also", "too", "here", "there", "now", "again",
    "about", "for", "from", "to", "with", "at", "on", "in", "of", "by", "as", "into", "after",
    "before", "since", "until",
    "my", "your", "our", "his", "her", "their", "its", "me", "you", "we", "they", "it", "this",
    "that", "what", "where", "when", "why", "how", "who",
    "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did", "have", "has",
    "had", "would", "could", "should",
    "order", "orders", "zip", "code", "postal", "postcode", "post", "email", "mail", "number",
    "account", "customer", "package",
    "delivery", "item", "items", "refund", "return", "cancel", "address", "street", "please",
    "thanks", "thank", "hi", "hello", "hey",
    "sorry", "sure", "ok", "okay", "fine", "good", "great", "glad", "happy", "sad", "angry",
    "upset", "mad", "furious", "annoyed",
    "frustrated", "disappointed", "tired", "afraid", "done", "new", "back",
    "dont", "don't", "remember", "know", "forgot", "idea", "moment", "sec", "second", "minute",
    "never", "mind", "hurry", "stop", "asking",
    "и", "а", "но", "не", "ни", "да", "нет", "уже", "ещё", "еще", "очень", "тут", "здесь", "вот",
    "по", "в", "во", "на", "с", "со", "из", "за", "для", "о", "об", "от", "до", "к", "у",
    "мой", "моя", "моё", "мое", "мои", "ваш", "ваша", "это", "этот", "я", "мы", "вы", "он", "она",
    "заказ", "заказа", "заказу", "индекс", "почта", "номер",
    "адрес", "хочу", "жду", "пишу", "спасибо", "привет", "здравствуйте", "пожалуйста", "клиент",
    "опять", "снова", "зол", "зла", "сейчас", "минуту", "секунду", "помню", "знаю", "забыл",
    "забыла", "посмотрю", "ну", "ладно", "зачем", "вам", "так", "быстрее",
    "недоволен", "недовольна",
})  # fmt: skip
_EVERYDAY = "|".join(sorted(_NOT_NAME, key=len, reverse=True))
# The capital letters of _LETTER: without "my name is", every word of a name starts with one
# ("Missing parcel, 80279", "Я заказала платье 123456" name nobody).
_CAPITAL = "".join(
    chr(c)
    for c in (*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x400, 0x500))
    if chr(c).isupper()
)
_ANY_WORD = (
    rf"(?!(?:{_EVERYDAY})(?!{_LETTER}|['’.]))"  # not an everyday word ("A." is an initial)
    rf"{_LETTER}(?:{_LETTER}|['’-](?={_LETTER}))*\.?"
)
# a capital first: not "noah brown", nor "Tracking info"
_LOOSE_WORD = rf"(?=(?-i:[{_CAPITAL}])){_ANY_WORD}"
_HAN_NOT_NAME = "的了来要想在不是我你他她它们这那吗呢吧啊订单退换货邮编地址号码请谢用户客"
_HAN = rf"(?:(?![{_HAN_NOT_NAME}])[\u4e00-\u9fff·]){{2,4}}?"
# "Piet de Vries", "Ludwig van Beethoven": a lower-case particle inside a name
_PARTICLE = r"(?-i:(?:de|van|der|den|von|da|di|du|del|la|le|bin|al)\s+)"


def _words_of_a_name(word: str) -> str:
    return rf"{word}(?:\s+{_PARTICLE}{{0,2}}{word}){{1,3}}?"


_LOOSE_NAME = rf"(?P<name>{_HAN}|{_words_of_a_name(_LOOSE_WORD)})"
_ZIP_WORD = (
    r"(?:zip(?:\s*code)?|postal\s*code|post\s*code|postcode|почтовый\s+индекс|индекс|邮政编码|邮编)"
)
_PAIRED_ZIP = rf"(?P<zip>{_POSTCODE})(?![\w-])"
_THEN_ZIP = (
    # each run of spaces is read one way only ("\s*(?:X\s*)?", never "\s*X?\s*"), so a long
    # run of spaces costs linear time, not quadratic
    r"\s*(?:[,;:.，、；：/-]\s*)?(?:(?:and|&|и|а)\s+)?(?:(?:my|мой|我的)\s*)?"
    rf"(?:{_ZIP_WORD}\s*(?:(?:is\b|是|[:：-])\s*)?)?{_PAIRED_ZIP}"
)
_LOOSE_INTRO = (
    r"(?:(?<![A-Za-z'’])(?:i\s*(?:['’]\s*)?m|i\s+am|this\s+is|it\s*(?:['’]\s*)?s|it\s+is|here\s+is)\s+"
    r"|(?<![\u0400-\u04ff])(?:это|я)\s+|(?:我是|我叫|这是)\s*)"
)
_GREETING = r"(?:(?:hi|hello|hey|привет|здравствуйте|добрый\s+день|你好|您好)[\s,!.，！。]*)?"
_END = r"[\s.!。！]*$"


def _name_zip_forms(name: str) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(form, re.IGNORECASE)
        for form in (
            _LOOSE_INTRO + name + _THEN_ZIP,  # "I'm Noah Brown and my zip code is 80279"
            rf"^\s*{_GREETING}{name}{_THEN_ZIP}{_END}",  # "Noah Brown, 80279"
            rf"^\s*{_GREETING}(?:{_ZIP_WORD}\s*(?:[:：]\s*)?)?{_PAIRED_ZIP}\s*(?:[,;，；]\s*)?{name}{_END}",
        )
    )


_NAME_ZIP_FORMS = _name_zip_forms(_LOOSE_NAME)
# while the bot waits to learn who they are, the answer may be typed in lower case ("priya nair
# 02139"): only then, and only in that message, is a name read without capitals
_ANY_CASE_NAME = rf"(?P<name>{_HAN}|{_words_of_a_name(_ANY_WORD)})"
_ANY_CASE_NAME_ZIP_FORMS = _name_zip_forms(_ANY_CASE_NAME)


def name_and_zip(text: str, *, any_case: bool = False) -> tuple[str, str] | None:
    """(name, zip) when the message gives a full name right next to a zip code; with
    ``any_case``, a name typed in lower case counts too."""
    for form in _ANY_CASE_NAME_ZIP_FORMS if any_case else _NAME_ZIP_FORMS:
        found = form.search(text)
        if found:
            name = " ".join(w.rstrip(".") for w in found.group("name").split())
            return name, found.group("zip")
    return None


def _loose_name(text: str, *, any_case: bool = False) -> str | None:
    paired = name_and_zip(text, any_case=any_case)
    return paired[0] if paired else None


def _bare_name_form(word: str) -> re.Pattern[str]:
    return re.compile(
        rf"^\s*{_GREETING}(?:{_LOOSE_INTRO})?(?P<name>{_words_of_a_name(word)}){_END}",
        re.IGNORECASE,
    )


# a message that is a full name and nothing else ("Noah Brown", "Hi, Иван Петров"): the answer
# to "your full name and zip code" given in two messages (two Chinese characters alone are as
# often "物流" or "发货" as a name: those need "我叫")
_BARE_NAME = _bare_name_form(_LOOSE_WORD)
_ANY_CASE_BARE_NAME = _bare_name_form(_ANY_WORD)


def _said_in_any_case(text: str) -> str | None:
    return _loose_name(text, any_case=True) or _bare_name(text, any_case=True)


def _bare_name(text: str, *, any_case: bool = False) -> str | None:
    found = (_ANY_CASE_BARE_NAME if any_case else _BARE_NAME).search(text)
    return " ".join(w.rstrip(".") for w in found.group("name").split()) if found else None


def _proves_who(*turns: str) -> bool:
    """Whether the turns, alone or together, say who the customer is (a name, an email, a name
    and zip): a zip said to prove it is no piece of a new address."""
    together = "\n".join(turns)
    return any(person_name(t) or emails(t) for t in turns) or name_and_zip(together) is not None


def _zip(text: str, *, any_case: bool = False) -> str | None:
    paired = name_and_zip(text, any_case=any_case)
    return zip_code(text) or (paired[1] if paired else None)


# --- refunds --------------------------------------------------------------------------------

_METHOD_ID = re.compile(r"\b((?:gift_card|credit_card|paypal)_\d+)\b", re.IGNORECASE)
_ORIGINAL = re.compile(
    r"\boriginal\b|same\s+(?:card|method|payment|account|way)|where\s+it\s+came\s+from"
    r"|\b(?:card|method)\s+i\s+(?:paid|used|bought|ordered)\b"  # "the card I paid with"
    r"|原路|原支付|原来的(?:支付|付款|卡)|原付款"
    r"|тот\s+же\s+(?:способ|карт)|исходн|на\s+ту\s+же",
    re.IGNORECASE,
)
_GIFT_CARD = re.compile(r"gift\s*card|礼品卡|购物卡|подарочн", re.IGNORECASE)
GIFT_CARD = "gift_card"
# the kinds a refund may go to, as customers call them (the bot names them so: "credit card")
_KINDS = {
    GIFT_CARD: _GIFT_CARD,
    "credit_card": re.compile(
        r"\b(?:credit|debit|bank)\s*card\b|\bmy\s+card\b|^\W*card\W*$|信用卡|银行卡"
        r"|\b(?:to|on|onto)\s+(?:the\s+)?card\b(?![\s-]*(?:holder|case|reader|wallet|game))"
        r"|(?<![а-яё])(?:банковск\w*|кредитн\w*)\s+карт|(?<![а-яё])на\s+карт(?:у|очку)(?![а-яё])",
        re.IGNORECASE,
    ),
    "paypal": re.compile(r"pay\s*pal|贝宝", re.IGNORECASE),
}


def refund_method(text: str) -> str | None:
    """A payment method id, ``original``, or a kind of method (``gift_card``, ``credit_card``,
    ``paypal``: the customer's one method of that kind)."""
    explicit = _METHOD_ID.search(text)
    if explicit:
        return explicit.group(1).lower()
    if _ORIGINAL.search(text):
        return ORIGINAL
    return next((kind for kind, words in _KINDS.items() if words.search(text)), None)


def resolve_refund_method(mention: str | None, choices: Sequence[str]) -> str | None:
    """A kind (``gift_card``, ``credit_card``, ``paypal``) becomes the one method of that kind
    among ``choices``; with none or several it stays the kind, and ``return_order`` refuses it
    or asks which one."""
    if mention not in _KINDS:
        return mention
    of_kind = [c for c in choices if c.startswith(f"{mention}_")]
    return of_kind[0] if len(of_kind) == 1 else mention


# --- what the customer said about themselves ------------------------------------------------


# characters of everyday words that no name here holds (fewer than _HAN_NOT_NAME, whose 谢, 想,
# 那 and 单 are also in names: 谢娜, 李想, 那英)
_HAN_NOT_IN_NAMES = "的了是我你他她它们这吗呢吧啊错客服员"
_HAN_NAME = re.compile(rf"(?:(?![{_HAN_NOT_IN_NAMES}])[\u4e00-\u9fff·]){{2,4}}")
_CAPITALISED_NAME = re.compile(rf"{_LOOSE_WORD}(?:\s+{_LOOSE_WORD}){{0,3}}", re.IGNORECASE)


def _looks_like_a_name(name: str) -> bool:
    """A name after "my name is" that is hidden wherever it occurs must look like one: Chinese
    characters that are no everyday word ("名字是错的" names nobody), or capitalised words that
    are not everyday ones ("my name is on the order" names nobody; nor does a name typed in
    lower case here)."""
    return bool(_HAN_NAME.fullmatch(name) or _CAPITALISED_NAME.fullmatch(name))


def stated_details(turns: Sequence[str], *, asked_who: bool = False) -> KnownValues:
    """Every name, zip and street line the customer gave in ``turns`` (newest first: "my name
    is ...", a name next to a zip, a labelled zip, a postal address), for the LLM's redactor: a
    visitor's details are hidden from the message that gives them, before any profile is known.
    With ``asked_who``, the names ``fill_slots`` reads in lower case in the newest two turns
    too. A bare number is not taken for a zip here (it may be a quantity or a product number)."""
    names: list[str] = []
    zips: list[str] = []
    addresses: list[str] = []
    for index, turn in enumerate(turns):
        introduced = person_name(turn)
        if introduced and _looks_like_a_name(introduced):
            names.append(introduced)
        any_case = asked_who and index < 2
        bare = _bare_name(turn, any_case=True) if any_case else None
        if bare:
            names.append(bare)
        paired = name_and_zip(turn, any_case=any_case)
        if paired:
            names.append(paired[0])
            zips.append(paired[1])
        labelled = _ZIP_AFTER_WORD.search(turn)
        if labelled:
            zips.append(labelled.group(1))
        address = postal_address(turn)
        if address:
            addresses.append(address["address1"])
            zips.append(address["zip"])
    return KnownValues(
        names=tuple(dict.fromkeys(names)),
        addresses=tuple(dict.fromkeys(addresses)),
        zips=tuple(dict.fromkeys(zips)),
    )


# a detail said again to correct it ("the zip should be 10005", "only the water bottle"), not
# to prove who one is ("my name is Noah Brown, zip 80279")
CORRECTION = re.compile(
    r"\b(?:should|must|actually|instead|wrong|typo|correct(?:ion)?|only|just|rather|oops"
    r"|sorry|meant|my\s+bad)\b"  # "sorry zip is 97209"
    r"|(?<![а-яё])(?:должен|должна|должно|ошиб\w*|(?:не)?правильн\w*|только|лишь|вместо"
    r"|не\s+т[оа]т?|извините|простите)(?![а-яё])"
    r"|应该|写错|改为|改成|只|仅|不对|错了|抱歉|不好意思|搞错"
    r"|(?<![а-яё])не\s[^,.;!?]{1,40}?,?\s+а\s|不是[^，,。；]{1,20}[，,]\s*(?:是|要)",  # not X but Y
    re.IGNORECASE,
)


# one item for another: "actually no, the white M one instead", "not X but Y" in Russian or
# Chinese (not "just the original card please, the lamp was a gift")
_SWAPS_ITEM = re.compile(
    r"\binstead\b|\bnot\s+the\b|(?<![а-яё])(?:вместо|не\s[^,.;!?]{1,40}?,?\s+а\s)"
    r"|不是[^，,。；]{1,20}[，,]\s*(?:是|要)|不对",
    re.IGNORECASE,
)


# a digit or a word of an address: "oops, it's 7 Elm St not 5", "индекс не тот", "是200号"
_ADDRESS_WORDS = re.compile(
    r"\d|\b(?:apt|apartment|suite|unit|floor|street|st|avenue|ave|road|rd|zip|postcode|city)\b"
    r"|(?<![а-яё])(?:квартир\w*|кв|улиц\w*|дом|индекс|город\w*)(?![а-яё])|邮编|号|室|楼|路|街|市|区",
    re.IGNORECASE,
)


def amends_address(text: str, answer: bool | None, planned: Sequence[str]) -> bool:
    """An answer to "shall I change the address to …?" that changes some of it without giving
    all of it ("oops, it's 7 Elm St not 5", "add apt 3B", "Boulder not Denver", "индекс не
    тот, 101001"): neither a yes nor a plain no, and about the address (an address word, a
    digit, or a word of the ``planned`` address's fields)."""
    if answer is True or (answer is False and not CORRECTION.search(text)) or asks_something(text):
        return False  # "will it still arrive within 5 days?" asks, it corrects nothing
    folded = text.casefold()
    said = any(len(w) > 2 and mentions(folded, w) for v in planned for w in str(v).split())
    return said or _ADDRESS_WORDS.search(text) is not None


# --- everything at once ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FilledSlots:
    """What the conversation has said so far, ready to be given to an action's slots model."""

    order_id: str | None = None
    email: str | None = None
    zip: str | None = None
    name: str | None = None
    reason: str | None = None
    item_ids: list[str] = field(default_factory=list)
    payment_method_id: str | None = None
    address: dict[str, str] = field(default_factory=dict)

    def for_action(self) -> dict[str, Any]:
        """The slots every order action reads (pass to ``parse_slots``; extra ones are ignored)."""
        values: dict[str, Any] = {
            "order_id": self.order_id,
            "reason": self.reason,
            "item_ids": self.item_ids,
            "payment_method_id": self.payment_method_id,
            **self.address,
        }
        return {k: v for k, v in values.items() if v not in (None, [])}


def fill_slots(
    text: str,
    history: Sequence[str] = (),
    *,
    remembered_order_id: str | None = None,
    items: Sequence[Mapping[str, Any]] = (),
    aliases: Mapping[str, Sequence[str]] | None = None,
    refund_choices: Sequence[str] = (),
    address_in_pieces: bool = False,
    names_in_any_case: bool = False,
) -> FilledSlots:
    """Slots from the current message, then from earlier customer turns (oldest first in
    ``history``), newest first; the name said with "my name is" in any turn, else one read
    next to a zip in any turn. The order is the one named now, else the remembered one (the
    order the conversation is about: the bot's focus, which may be "the second one" of two
    named together), else the last one named earlier. ``items`` are the lines of that order,
    for item mentions. With ``address_in_pieces`` (the bot asked for an address and got part
    of it), an address no single turn holds is read from the previous turn and this one
    together. With ``names_in_any_case`` (the bot waits to learn who they are), a name in this
    message or the one before counts when typed in lower case too ("priya nair", then "02139").
    """
    turns = [text, *reversed(history)]

    def first(extract: Any, said: Sequence[str] = turns) -> Any:
        for turn in said:
            value = extract(turn)
            if value:
                return value
        return None

    order_id = resolve_order_id(text, remembered_order_id)
    by_position = ordinal_reference(text) is not None or status_reference(text) is not None
    if order_id is None and not by_position:  # "the second one" is never the last one named
        order_id = remembered_order_id or first(lambda t: next(iter(order_ids(t)), None))
    mentioned = first(refund_method)
    address = first(postal_address) or {}
    if not address and address_in_pieces and history and not _proves_who(history[-1], text):
        address = address_in_two_pieces(history[-1], text) or {}
    corrected_zip = _ZIP_AFTER_WORD.search(text) if CORRECTION.search(text) else None
    if address and corrected_zip and not postal_address(text):  # "the zip should be 10005"
        address = {**address, "zip": corrected_zip.group(1).upper()}
    return FilledSlots(
        order_id=order_id,
        email=first(lambda t: next(iter(emails(t)), None)),
        zip=first(_zip) or (_zip(text, any_case=True) if names_in_any_case else None),
        # "my name is ..." anywhere in the conversation wins over a name read loosely next to a
        # zip: "Missing Parcel, 80279" after "My name is Noah Brown" keeps Noah Brown
        name=first(person_name)
        or first(_loose_name)
        or first(_bare_name)
        or (first(_said_in_any_case, turns[:2]) if names_in_any_case else None),
        # an earlier turn's "because ..." was about something else ("I'm writing because I
        # have a question"); only a reason the policy knows carries over
        reason=cancel_reason(text) or first(accepted_reason),
        # an item named loosely ("the speaker") never wins over one named in full before,
        # unless it swaps it ("the white M one instead"); in one message, both count
        # ("the keyboard and the Mouse Pad")
        item_ids=(
            (item_mentions(text, items, aliases) if _SWAPS_ITEM.search(text) else [])
            or first(
                lambda t: (
                    item_mentions(t, items, aliases)
                    if item_mentions(t, items, aliases, loosely=False)
                    else []
                )
            )
            or first(lambda t: item_mentions(t, items, aliases))
            or []
            if items
            else []
        ),
        payment_method_id=resolve_refund_method(mentioned, refund_choices),
        address=address,
    )
