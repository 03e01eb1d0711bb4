# ruff: noqa: RUF001 - Chinese and Russian text, as customers write it
"""Whether a message asks the bot to write in another language: "Sorry, can you answer in
English?", "по-английски, пожалуйста", "可以用英文回复吗".

Such a message, when it asks for nothing else, is answered in the language it asks for,
whatever it is written in (a Russian "можно по-английски?" wants English); a message that asks
for something more is answered in its own language. It sets the conversation's language from
then on,
since each next message keeps the language of the one before when it is too short to tell
(``annotate.understand``). A language is named by its English, Russian or Chinese name; only
the workspace's enabled languages count. "Is the manual in English?" or "есть ли инструкция
на русском?" ask about a product, not for a reply: the English and Russian phrasings need a
verb of answering or a "please" next to the language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_NAMES = {
    "english": "en",
    "chinese": "zh",
    "mandarin": "zh",
    "russian": "ru",
    "английски": "en",
    "английском": "en",
    "китайски": "zh",
    "китайском": "zh",
    "русски": "ru",
    "русском": "ru",
    "英文": "en",
    "英语": "en",
    "中文": "zh",
    "汉语": "zh",
    "普通话": "zh",
    "俄语": "ru",
    "俄文": "ru",
}
_EN_NAME = r"(english|chinese|mandarin|russian)"
_RU_NAME = r"(?:по-?\s?(английски|китайски|русски)|на\s+(английском|китайском|русском))"
_ZH_NAME = r"(英文|英语|中文|汉语|普通话|俄语|俄文)"
_REQUESTS = re.compile(
    "|".join(
        (
            # "can you answer in English?", "please write to me in Russian"
            r"\b(?:answer|reply|respond|write|speak|talk|type|text|continue|chat)"
            r"(?:\s+(?:to\s+)?(?:me|us|back|again|only|please|pls|from\s+now\s+on))*"
            rf"\s+in\s+{_EN_NAME}\b",
            rf"\bin\s+{_EN_NAME}\s*,?\s*(?:please|pls|plz)\b",  # "in English please"
            rf"^\W*{_EN_NAME}\s*,?\s*(?:please|pls|plz)?\W*$",  # "English?", "English please"
            rf"\bdo\s+you\s+(?:speak|understand)\s+{_EN_NAME}\b",
            # "по-английски, пожалуйста", "отвечайте на русском", "можно по-русски?"
            rf"{_RU_NAME}\s*,?\s*(?:пожалуйста|плиз|можно|говорите|пишите|отвечайте)",
            rf"(?:можно|пожалуйста|говорите|пишите|напишите|отвечайте|ответьте|давайте|"
            rf"общаться|говорить|писать|отвечать)\s*,?\s*{_RU_NAME}",
            rf"^\W*{_RU_NAME}\W*$",
            rf"(?:用|说|讲|写){_ZH_NAME}",  # "用英文回答", "能说中文吗"
            rf"{_ZH_NAME}(?:回答|回复|交流|沟通)",
        )
    ),
    re.IGNORECASE,
)
_FILLERS = re.compile(
    r"\b(?:sorry|excuse\s+me|hi|hello|hey|ok|okay|can|could|would|will|you|u|please|pls|plz"
    r"|answer|reply|respond|write|speak|talk|type|text|continue|chat|to|me|us|i|we|the|a|do"
    r"|don'?t|understand|no|is|it|possible|instead|only|just|from|now|on|rest|of|and|thanks"
    r"|thank|switch|change|language|in|more|let'?s|english|chinese|mandarin|russian"
    r"|извините|простите|здравствуйте|привет|можно|пожалуйста|плиз|отвечайте|ответьте"
    r"|пишите|напишите|говорите|давайте|общаться|говорить|писать|отвечать|мне|нам|я|не"
    r"|понимаю|вы|можете|ли|а|ну|нет|да|дальше|языке|лучше|только|английский|русский|китайский|по-?\s?\w+ски|на\s+\w+ском)\b"
    r"|您好|你好|请|可以|能|吗|你们|你|您|用|说|讲|写|回答|回复|交流|沟通|吧|好吗|谢谢|我"
    r"|看不懂|不懂|麻烦|一下|以后|接下来|英文|英语|中文|汉语|普通话|俄语|俄文|好|呢",
    re.IGNORECASE,
)
"""The words a request for a language is made of; a message with any other word asks more."""


# "please don't reply in Russian", "не пишите по-английски", "我不说英语": no request for it
_NOT = re.compile(r"\b(?:don'?t|do\s+not|never|not)\W*$|(?<![а-яё])не\s*$|[不别]\s*$", re.I)


def asked_language(text: str, enabled: Sequence[str]) -> str | None:
    """The enabled language a message that asks for nothing else (``only_asks_for_language``)
    asks the bot to write in, the last one it names; None for a request said with a negation
    or beside anything else ("the manual came in Chinese, please refund order #…" asks for a
    refund, not for Chinese)."""
    if not only_asks_for_language(text):
        return None
    found = [m for m in _REQUESTS.finditer(text) if not _NOT.search(text[: m.start()][-12:])]
    if not found:
        return None
    name = next(group for group in found[-1].groups() if group)
    code = _NAMES[name.lower()]
    return code if code in enabled else None


def only_asks_for_language(text: str) -> bool:
    """Whether the message asks for a language and nothing else ("Sorry, can you answer in
    English?"); "in English please: where is my order?" asks something more."""
    if _REQUESTS.search(text) is None:
        return False
    return not re.search(r"[^\W\d_]", _FILLERS.sub(" ", text))
