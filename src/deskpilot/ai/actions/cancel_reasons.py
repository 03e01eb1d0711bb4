# ruff: noqa: RUF001, RUF003 - Chinese and Russian words, as customers write them
"""A cancellation's reason as customers say it, read as one of the two reasons
``cancel_order`` accepts (pure functions)."""

from __future__ import annotations

import re

from deskpilot.ai.actions.cancel_order import NO_LONGER_NEEDED, ORDERED_BY_MISTAKE

_REASONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        ORDERED_BY_MISTAKE,
        re.compile(
            r"by\s+(?:mistake|accident)|mistaken(?:ly)?|accidental(?:ly)?|wrong(?:ly)?\s+order"
            r"|order(?:ed)?\s+(?:the\s+)?wrong|didn'?t\s+mean\s+to\s+(?:order|buy)"
            r"|^\W*(?:the\s+)?wrong\s+(?:item|size|colou?r|one|product|model|thing)s?\W*$"
            r"|买错|下错|拍错|订错|误购|误下单|不小心|点错"
            r"|по\s+ошибке|ошибочно|случайно|не\s+то\s+заказал",
            re.IGNORECASE,
        ),
    ),
    (
        NO_LONGER_NEEDED,
        re.compile(
            r"no\s+longer\s+(?:need|want|require)|(?:don'?t|do\s+not|doesn'?t)\s+(?:need|want)"
            r"|not\s+needed|(?:don'?t|do\s+not)\s+have\s+(?:a\s+)?use|needn'?t"
            # a change of mind, or the same thing found elsewhere: this order is not needed
            r"|changed\s+my\s+mind|found\s+(?:it|one|them|something)?\s*(?:cheaper|elsewhere)"
            r"|found\s+(?:a|an)\s+(?:\w+\s+)?(?:cheaper|better)\s+(?:one|deal|price|option)"
            r"|(?:cheaper|better\s+(?:deal|price))\s+(?:elsewhere|somewhere\s+else)"
            r"|不再需要|不需要|不想要|用不上|不用了|不要了|没用了|改主意|不想买了|不买了"
            # not a question: "你们比别家便宜吗", "有没有更便宜的款式？"
            r"|(?:别家|别的地方|其他地方|别处|别的店|其他店|找到了?)[^，。！？,.!?]{0,6}便宜"
            r"(?![^，。！？,.!?]*[吗？?])|(?<!没)有更便宜的(?![^，。！？,.!?]*[吗？?])"
            r"|больше\s+не\s+нуж|уже\s+не\s+нуж|не\s+нуж[еноаы]|не\s+надо|передумал"
            r"|(?:нашл[аи]?|нашёл|нашел)\s+(?:\w+\s+)?дешевле|дешевле\s+в\s+друг",
            re.IGNORECASE,
        ),
    ),
)
_BECAUSE = re.compile(r"(?:\bbecause\b|\bsince\b|因为|由于|потому\s+что|так\s+как)\s*(.+)", re.I)


def cancel_reason(text: str) -> str | None:
    """ "no longer needed" or "ordered by mistake" when the text says so in en/zh/ru.

    Another stated reason ("because I found it cheaper") comes back as the customer's words,
    so that the action refuses it (only the two reasons are accepted), instead of asking again.
    """
    known = accepted_reason(text)
    if known is not None:
        return known
    other = _BECAUSE.search(text)
    return other.group(1).strip(" .!?。！？") or None if other else None


def accepted_reason(text: str) -> str | None:
    """ "no longer needed" or "ordered by mistake" when the text says so, else None."""
    return next((reason for reason, pattern in _REASONS if pattern.search(text)), None)
