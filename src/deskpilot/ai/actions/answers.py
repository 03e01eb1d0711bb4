# ruff: noqa: RUF001 - Chinese and Russian words and punctuation, as customers write them
"""Whether a message answers "shall I go ahead?" with a yes or a no (``is_confirmation``), and
whether it asks something (``asks_something``), in English, Chinese and Russian (pure
functions)."""

from __future__ import annotations

import re

_YES = re.compile(
    r"^(?:yes|yeah|yep|yup|y|sure|ok|okay|confirm(?:ed)?|correct|right|go\s+ahead|please\s+do"
    r"|do\s+it|proceed|absolutely|of\s+course|that'?s\s+right|sounds\s+good|go\s+on(?:\s+then)?"
    r"|да|ага|конечно|подтверждаю|подтвердить|хорошо|ок|давай(?:те)?|верно|согласен|согласна"
    r"|валяй(?:те)?)\b"
    # Chinese has no spaces: a yes word only counts when what follows it still says yes
    # ("好的", "可以取消", "行吧"), never as the start of another word ("对不起", "是不是", "好吃")
    r"|^(?:是的|是|好的|好|确认|确定|当然|可以|对|行|嗯|没问题|没错|同意)"
    r"(?=$|\s|[的啊呀吧了哦嘛嗯呢滴哒嘞]|请|取消|退|改|确认|继续|执行|就|可以)"
    r"|\U0001f44d|\U0001f44c|\u2705|\u2714"  # thumbs up, OK hand, check marks
    r"|\bi\s+confirm\b|\bplease\s+(?:proceed|go\s+ahead)\b|\bgo\s+ahead\b",
    re.IGNORECASE,
)
# words that say yes only as the whole answer, or with "please" / "go ahead" after them:
# "Fine, keep it", "Perfect, the wrong item again", "ладно, оставьте" are no yes
_YES_ALONE = re.compile(
    r"(?:alright|all\s+right|fine|perfect|great|угу|ладно|лады|окей|годится|ид[её]т)"
    r"(?:\s+(?:then|please|go\s+ahead|do\s+it|тогда|давайте|отменяйте|оформляйте|меняйте))?",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^(?:no|nope|nah|n|don'?t|do\s+not|stop|wait|never\s*mind|not\s+now|hold\s+on"
    r"|нет|не\s+надо|не\s+нужно|не\s+стоит|отмена|стоп|подожди(?:те)?)\b"
    r"|\b(?:keep|leave|forget)\s+it\b|(?<![а-яё])(?:оставь\w*|не\s+трогай\w*)"
    r"|^(?:不是|不要|不用|不行|不对|不了|不|否|算了|别|等一下|等等)"
    r"|\U0001f44e|\u274c|\u270b"  # thumbs down, cross mark, raised hand
    r"|\b(?:don'?t|do\s+not)\s+(?:do|cancel|proceed|change|return)\b|\bchanged?\s+my\s+mind\b"
    r"|\bplease\s+don'?t\b|\bkeep\s+(?:the|my)\s+order\b"
    r"|改主意|不取消|不要取消|不用取消|别取消|先不|还是不|保留订单|还是保留|不退了|不改了"
    r"|(?<![а-яё])(?:передумал\w*|не\s+(?:отменя|возвра|меня)\w*|не\s+надо|не\s+нужно"
    r"|хотя\s+нет|пусть\s+(?:будет\s+как\s+есть|оста[её]тся))"
    r"|^actually\s+no\b",  # commas are gone by now
    re.IGNORECASE,
)
# "嗯", "um", "ну": a sound or a filler before the answer, no yes by itself ("嗯嗯" is one)
_FILLER = re.compile(r"^(?:嗯+|um+|uh+|hmm+|ну)(?:[\s，,、]+|$)")
_DOUBLED_YES = re.compile(r"嗯{2,}[啊呢哈]?")
_WHY_NOT = re.compile(
    r"\bwhy\s+not\b\s*\??|(?<![а-яё])почему\s+бы\s+и\s+нет(?![а-яё])\s*\??", re.IGNORECASE
)
_WAIT = re.compile(r"(?:wait|hold\s+on|подожди(?:те)?|постой(?:те)?|等一下|等等)\b", re.IGNORECASE)
_QUESTION = re.compile(
    r"[?？]"
    r"|^(?:when|what|how|why|where|which|who|can|could|would|will|is|are|does|did|has|have)\b"
    r"|^do\b(?!\s+it\b)"  # "do you ...?", not "do it"
    r"|\b(?:when|what|how|why|where|which)\b"
    r"|(?<![а-яё])(?:когда|почему|зачем|где|сколько|скока|скоко|куда)(?![а-яё])"
    r"|^(?:а\s+)?(?:когда|что|как|почему|зачем|где|какой|какая|какие|чем|кто|можно|ли)\b"
    r"|\bли\b"
    r"|吗|呢|什么|怎么|为什么|是不是|是否|多久|几天|哪",
    re.IGNORECASE,
)
_HOLD = re.compile(  # a condition, a put-off, a second thought, a negation: not (yet) a yes
    r"\b(?:but|first|instead|later|wait|think|let\s+me|ask|before|unless|if|maybe|not\s+sure"
    r"|actually|sorry|not|no|never|don'?t|stop|hold)\b"
    r"|(?<![\w-])(?:но|а|сначала|вместо|потом|позже|подожд\w*|подума\w*|спрош\w*|спрос\w*|если"
    r"|может|пока|извин\w*|не|нет|ни|стоп)(?![\w-])"
    r"|但|不过|可是|先|再|考虑|想想|问问|等|如果|也许|可能|不|别|算了|没(?!问题|错)|对不起|抱歉",
    re.IGNORECASE,
)
_QUESTION_MARK = re.compile(r"[?？]")
_SOFTENED_YES = re.compile(r"(?:是的|好的|好|可以|行|嗯|对)呢")  # 好的呢: 呢 softens, asks nothing
_CJK = re.compile(r"[\u3400-\u9fff]")
YES_MAX_WORDS = 12
YES_MAX_CJK = 12


def is_confirmation(text: str, language: str | None = None) -> bool | None:
    """True for yes (yes / да / 是的 / 好的 / confirm / 👍), False for no (no / нет / 不 / 👎),
    else None.

    A yes lets the bot change an order, so it must be nothing but a yes: a short reply ("yes,
    please cancel it", "да, отменяйте", "可以取消") that asks nothing ("ok, but when would
    the refund arrive?", "是不是已经发货了"), puts nothing off ("давайте я сначала спрошу
    мужа", "我再考虑一下") and sets no condition. Words of every supported language count
    whatever ``language`` says (customers mix); a message that says both, or neither, is None:
    the bot does not act on a guess.
    """
    del language  # kept in the signature for languages whose words need it; not needed yet
    stripped = text.strip().casefold()
    folded = re.sub(r"^[\s\"'«“„(]+", "", stripped)
    if _DOUBLED_YES.fullmatch(folded.rstrip("!。！~～ ")):  # "嗯嗯": a yes in a chat
        return True
    folded = _FILLER.sub("", folded)
    folded = re.sub(r"[!?.,;:。！？，、…]+", " ", folded).strip()
    if not folded:
        return None
    if _WAIT.match(folded) and asks_something(text):  # "wait, what is your return policy?"
        return None  # a question before the answer, no "no"
    no = _NO.search(folded) is not None
    yes = (
        _YES.search(folded) is not None
        or _YES_ALONE.fullmatch(" ".join(folded.split())) is not None
    )
    if yes and not no and not _only_a_yes(stripped, folded):
        return None
    return None if yes == no else yes


def asks_something(text: str) -> bool:
    """A question mark, or a message that opens like a question (en, ru, zh)."""
    return _QUESTION.search(text.strip().casefold()) is not None


def _only_a_yes(text: str, folded: str) -> bool:
    if _SOFTENED_YES.fullmatch(folded) and not _QUESTION_MARK.search(text):
        return True
    folded = _WHY_NOT.sub(" ", folded)  # "sure, why not": no question, no negation
    if asks_something(_WHY_NOT.sub(" ", text.casefold())) or _HOLD.search(folded):
        return False
    return len(folded.split()) <= YES_MAX_WORDS and len(_CJK.findall(folded)) <= YES_MAX_CJK
