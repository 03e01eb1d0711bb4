# ruff: noqa: RUF001, RUF002, RUF003 - Russian and Chinese words in the patterns and their comments
"""What a customer's message asks, read from its words: a request to act on an order stated in
so many words, a question about their own order, about its status, or about how things work.
Pure functions of the text, for the engine's decisions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from deskpilot.ai.actions.answers import asks_something
from deskpilot.ai.actions.item_names import MEASURE_WORD, item_mentions, kept_apart, name_head
from deskpilot.ai.actions.return_order import ALL_ITEMS
from deskpilot.ai.actions.slots import order_ids, without_order_ids
from deskpilot.orders.service import item_key

_GENERAL_QUESTION = re.compile(
    r"\b(policy|policies|how (do|can|long|much|fast|soon|many)|can i|do you|what is|what are"
    r"|what['’]s|whats|is there|are there"
    r"|when (do|does)"
    r"|which|is it possible)\b"
    r"|政策|规定|怎么|如何|可以吗|能不能|多久|几天|多长时间|哪些|谁"
    r"|политик|правил|как (мне )?(можно|долго|быстро|вернуть|оформить)|можно|сколько|какие"
    r"|есть\s+ли"
    # "want to return a rug but i folded it, is that ok?", "…, примут?": whether policy allows it
    r"|\bis\s+(?:that|this|it)\s+(?:ok|okay|fine|allowed|a\s+problem)\b"
    r"|\bwill\s+you\s+(?:still\s+)?accept\b|(?<![а-яё])примут(?![а-яё])|это\s+нормально"
    # "I'm in France now, is returning free?", a question with a condition: "если верну свитер,
    # доставку вернёте?", "Can I cancel if I ordered by mistake?"
    r"|(?:^|[,.;!?]\s*)(?:is|are)\s+(?!my\b|it\b|they\b|that\b|this\b|the\s+order\b)\w+[^.!?]*\?"
    r"|(?:\bif\b|如果|(?<![а-яё])если(?![а-яё]))[^.!?。！]*[?？]",
    re.IGNORECASE,
)
# "When does my order ship?", "Hi, where is it?", "我的订单什么时候到", "Когда придёт мой заказ?":
# a when/where clause about their order, answered by its status rather than the shipping policy;
# "How long does shipping take for my order?", "...if I order on Saturday?" or "My order is
# late. Where can I read your refund policy?" are asked of the policy
_STATUS_QUESTION = re.compile(
    r"(?:^|[.!?;:,]|\b(?:know|tell\s+me)\b)\W{0,8}(?:when|where)\b[^.!?]{0,40}?"
    r"\b(?:my|our|it|they|them|(?:the|this|that)\s+(?:order|parcel|package)|(?:i|we)\s+"
    r"(?:ordered|bought|purchased))\b"
    # "Is my desk lamp dispatched?", "Has it arrived?", "the tracking link for my lamp"
    r"|\b(?:is|are|has|have|was|were)\b[^.!?]{0,40}?\b(?:my|our|it|they)\b[^.!?]{0,40}?"
    r"\b(?:dispatched|shipped|delivered|arrived|sent\s+out|posted|out\s+for\s+delivery)\b"
    r"|\btracking\s+(?:link|number|info(?:rmation)?|code)\b[^.!?]{0,20}?\b(?:my|our|it)\b"
    r"|什么时候|何时|到哪|(?:发货|寄出|送达|到货)了(?:吗|没)"
    r"|(?:^|[.!?;:,]|(?<![а-яё])(?:знаете|скажите)(?![а-яё]))\W{0,8}(?:когда|где)(?![а-яё])[^.!?]{0,40}?"
    r"(?<![а-яё])(?:мо[йяеёи]|наш|е[гё]о|он[аи]?)(?![а-яё])",
    re.IGNORECASE,
)
_THEIR_ORDERS = re.compile(
    r"\b(?:what\s+are|show\s+me|list|see)\s+(?:all\s+)?my\s+(?:recent\s+)?orders\b"
    r"|\b(?:both|all|each)\s+(?:of\s+)?my\s+orders\b"  # "status on both my orders pls"
    r"|我(?:的)?(?:所有|两个|全部)(?:的)?订单"  # "все заказы отправляются…?" asks of policy
    r"|(?<![а-яё])(?:оба|обоих|все|всех)\s+(?:моих|мои)\s+заказ"
    r"|我(?:有)?(?:哪些|什么|几个)订单|我的(?:所有)?订单(?:有哪些|列表)"
    r"|(?<![а-яё])(?:какие|покажи(?:те)?)\s+(?:у\s+меня\s+)?(?:мои\s+)?заказы(?![а-яё])",
    re.IGNORECASE,
)
_CONDITION = re.compile(r"\bif\b|如果|(?<![а-яё])если(?![а-яё])", re.IGNORECASE)


_WHEN_OR_WHERE = re.compile(
    r"\b(?:when|where)\b|什么时候|何时|到哪|(?<![а-яё])(?:когда|где)(?![а-яё])", re.IGNORECASE
)


def asks_when_or_where(text: str) -> bool:
    """Whether the text asks when or where at all ("когда приедет дорожка?"): with an item their
    orders hold, it asks its status."""
    return _WHEN_OR_WHERE.search(text) is not None


def lists_their_orders(text: str) -> bool:
    """Whether the text asks which orders the customer has ("list all my orders", "我有哪些订单",
    "Какие у меня заказы?"): the list is the answer, no "which order?"."""
    return _THEIR_ORDERS.search(text) is not None


# a question about the order the message names ("Where is #W1?", "#W1 的状态")
_ASKS_ABOUT_AN_ORDER = re.compile(
    r"\b(?:where|when|status|track(?:ing)?|shipped|arrive)\b"
    r"|(?<![а-яё])(?:где|когда|статус|отследить|отправлен\w*)(?![а-яё])"
    r"|哪|状态|物流|什么时候|发货",
    re.IGNORECASE,
)

# the default intents that act, and their actions
INTENT_ACTIONS = {
    "order_status": "order_status",
    "cancellation": "cancel_order",
    "return_refund": "return_order",
    "address_change": "change_address",
}

# an action intent said in so many words: a new request even in the middle of another flow
# (asked for, not told about: "#W1 got cancelled", "my address is correct now" ask nothing)
_ACTION_WORDS = {
    "cancellation": re.compile(
        r"\bcancel(?!l?ed\b|l?ing\s+fee)|отмен(?:и(?:ть|те)?|яй(?:те)?)(?![а-яё])|(?<![已被])取消",
        re.IGNORECASE,
    ),
    "return_refund": re.compile(
        r"\breturn\b(?!ed)|оформить\s+возврат|(?<![а-яё])верн(?:уть|ите|и)(?![а-яё])|退货",
        re.IGNORECASE,
    ),
    "address_change": re.compile(
        r"\b(?:change|update|fix|correct)\b[^.!?]{0,30}\baddress\b"
        r"|(?:измен|помен|смен|исправ)[а-яё]*[^.!?]{0,30}адрес"
        r"|(?:改|修改|更改|换)[^。！？]{0,10}地址|地址[^。！？]{0,10}(?:改|修改|更改|换)",
        re.IGNORECASE,
    ),
}

# "pls ship it straight to my mom: 45 Maple Ave, …", "отправьте заказ на адрес: …", "寄到…": a
# request to send an order somewhere (an address change when a whole address follows)
_SEND_TO = re.compile(
    # not a report of where it went: "delivered to …", "доставлена по адресу …", "已送到…"
    r"\b(?:ship(?!ped)|send|deliver(?!ed)|mail(?!ed)|forward(?!ed)|redirect(?!ed))\w*\b"
    r"[^.!?\n]{0,40}?\bto\b|(?<![а-яё])(?:отправ(?!лен)|достав(?!лен)|пришл|вышл|перенаправ(?!лен))"
    r"[а-яё]*[^.!?\n]{0,40}?(?:на\s+адрес|по\s+адресу)|(?<![已经])(?:寄|送|发)(?:到|往|去)",
    re.IGNORECASE,
)


def asks_to_send_to(text: str) -> bool:
    """ "ship it to …", "отправьте на адрес …", "寄到…": a request to send an order somewhere."""
    return _SEND_TO.search(text) is not None


# a question about something the customer bought: a first-person possessive or purchase, or a
# pointer at one order ("this order"); "订单" or "заказ" alone is any order ("你们的订单多久发货")
_OWN = re.compile(
    r"\b(?:my|mine|our|(?<!is\s)it(?!\s+(?:takes?|costs?)\b)|these|those|the\s+order"
    r"|(?:this|that|the\s+same)\s+(?:order|one|parcel|package|item)"
    r"|(?:i|we)(?:\s+(?:have|just|already|still|recently))*(?:['\u2019]ve)?"
    r"(?:\s+(?:just|already|recently))?\s+(?:ordered|bought|purchased|paid|received|got|placed|made))\b"
    r"|我的|我们的|我要|我想|我刚|我已经|我[^\uff0c,。\uff1f?]{0,4}?(?:下单|下的|付款|付了|买的|买了|订的|收到)"
    r"|这个订单|这单|那单|该订单|这笔|那笔"
    r"|(?<![а-яё])(?:мо(?:[йяеёию]|ем|ём|ему|им|ими|его|ей|их)|наш(?:[аеиу]|его|ем|ей|им|их)?"
    r"|его|её|ее|этот|этого|мне"
    r"|(?:заказа|заказыва|купи|оплати|заплати|получи|сдела|оформи)л[аи]?|купленн[а-яё]*"
    r"|ошиб(?:ся|лась|лись))(?![а-яё])",
    re.IGNORECASE,
)


def stated_request(text: str) -> str | None:
    """The action intent a message about an order states in so many words, or None."""
    for intent, words in _ACTION_WORDS.items():
        if words.search(text):
            return intent
    return "order_status" if _ASKS_ABOUT_AN_ORDER.search(text) else None


def other_request(planned: str, text: str) -> str | None:
    """An action intent other than the one whose action ``planned`` is, that the text asks for
    in so many words and does not refuse ("不取消了 改个地址吧" beside a planned cancellation
    asks for an address change), or None."""
    return next(
        (
            intent
            for intent, words in _ACTION_WORDS.items()
            if INTENT_ACTIONS.get(intent) != planned
            and words.search(text)
            and not says_not_to(intent, text)
        ),
        None,
    )


def _distance(text: str, order_id: str, words: re.Pattern[str] | None) -> int:
    """How far (in characters) the order id is from the nearest of ``words`` in the text."""
    at = text.upper().find(order_id.lstrip("#"))
    spots = [m.span() for m in words.finditer(text)] if words is not None and at >= 0 else []
    return min((at - end if at >= end else start - at for start, end in spots), default=1 << 30)


def nearest_first(intent: str | None, text: str) -> list[str]:
    """The order ids of the text, the one named nearest to the words asking for the action
    intent ``intent`` first ("Where is #W1? Also cancel #W2": #W2 is to be cancelled)."""
    named = order_ids(text)
    words = _ACTION_WORDS.get(intent or "")
    return sorted(named, key=lambda o: _distance(text, o, words)) if len(named) > 1 else named


def asks_status_of(order_id: str, text: str) -> bool:
    """Whether the words nearest to ``order_id`` ask where it is rather than to act on it
    ("Where is #W1? Also cancel #W2": #W1's status is asked, #W2 is to be cancelled)."""
    asked = _distance(text, order_id, _ASKS_ABOUT_AN_ORDER)
    acting = min(_distance(text, order_id, words) for words in _ACTION_WORDS.values())
    return asked < acting


# what may stand beside the action's own words in a bare restatement ("cancel it then, please",
# "取消吧", "да, отменяйте заказ"); anything else ("cancel just the chair", "cancel the second
# one", "取消第二个", "отмени второй") says which, and is no yes to the plan
_RESTATING = re.compile(
    r"\b(?:it|that|then|please|now|yes|ok|okay|the|my|this|order|go|ahead|do)\b"
    r"|[吧了掉啊呀嘛呢就那这个订单好的是]"
    r"|(?<![а-яё])(?:уже|его|е[её]|заказ|пожалуйста|тогда|да|давай(?:те)?|ну|ок|ладно|хорошо"
    r"|конечно)(?![а-яё])|\b(?:alright|fine|sure|sounds\s+good)\b"
    r"|[\s\W_]",
    re.IGNORECASE,
)


def restates(action: str, text: str) -> bool:
    """Whether a message asks for the action ``action`` again and says nothing else ("取消吧",
    "отменяй", "cancel it then"): at "shall I go ahead?", a yes to its plan."""
    intent = next((i for i, a in INTENT_ACTIONS.items() if a == action), None)
    words = _ACTION_WORDS.get(intent or "")
    if words is None or not words.search(text) or says_not_to(intent, text):
        return False
    if asks_something(text):  # "cancel it?": a question, no yes
        return False
    return not _RESTATING.sub("", words.sub("", text))


def says_an_action(intent: str | None, text: str) -> bool:
    """Whether the text says in so many words to cancel, return or change the address, as the
    action intent ``intent`` asks (False for any other intent)."""
    words = _ACTION_WORDS.get(intent or "")
    return words is not None and words.search(text) is not None


# "don't cancel my order, just tell me where it is", "不想取消", "не надо отменять": the action
# refused in the first person or as a request ("won't let me cancel", "why did you not cancel",
# "还不取消" and "не отменили" complain that it has not happened: no refusal)
_REFUSING = (
    r"\b(?:don['’]?t|do\s+not|no\s+need\s+to|(?:i|we)\s+don['’]?t\s+(?:want|need)\s+to"
    r"|(?:i|we)\s+do\s+not\s+(?:want|need)\s+to)\s+(?:\w+\s+)?"
)
# "never mind", "forget it", "算了", "забудьте": whatever was asked for is dropped
_DROPPING = (
    r"|\bnever\s*mind\b|\bforget\s+(?:it|about\s+it)\b|(?<![打就])算了(?!解)"
    r"|(?<![а-яё])(?:забудь(?:те)?|проехали)(?![а-яё])"
)
# "I want to keep the order", "保留订单", "оставлю его": nothing to cancel or return
_KEEPING = (
    r"|\bkeep\s+(?:it|them|the\s+order|my\s+order)\b|保留|留着"
    r"|(?<![а-яё])(?:оставлю|оставьте|пусть\s+оста[её]тся)(?![а-яё])"
)
_NOT_THE_ACTION = {
    "cancellation": re.compile(
        _REFUSING + r"cancel|(?:不想|不要|别|不用|不必|无需|先不|(?<![还再])不)取消"
        r"|(?<![а-яё])не\s+(?:(?:надо|нужно|хочу|стоит)\s+отмен|отменяйте)" + _KEEPING + _DROPPING,
        re.IGNORECASE,
    ),
    "return_refund": re.compile(
        _REFUSING + r"return|(?:不想|不要|别|不用|不必|先不)退(?!款)"
        r"|(?<![а-яё])не\s+(?:(?:надо|нужно|хочу|стоит)\s+(?:верн|возвра)|возвращайте)"
        + _KEEPING
        + _DROPPING,
        re.IGNORECASE,
    ),
    "address_change": re.compile(
        _REFUSING + r"change|(?:不想|不要|别|不用|不必|先不)(?:改|修改|更改)"
        r"|(?<![а-яё])не\s+(?:(?:надо|нужно|хочу|стоит)\s+(?:измен|мен)|меняйте)" + _DROPPING,
        re.IGNORECASE,
    ),
}
# the same action asked for in the same message ("don't return the jacket, return the boots",
# "台灯不退了，保温杯退"): a request, whatever it leaves out
_DOING_IT = {
    "cancellation": re.compile(
        r"\bcancel|\bremove\b|取消|去掉|删掉|(?<![а-яё])(?:отмен|убер|удал)", re.IGNORECASE
    ),
    "return_refund": re.compile(r"\breturn|退|(?<![а-яё])(?:верн|возвра)", re.IGNORECASE),
    "address_change": re.compile(r"\bchange|改|(?<![а-яё])(?:измен|помен|смен)", re.IGNORECASE),
}


# "why do you need a reason?", "а зачем вам причина?", "为什么要说原因": a question about the
# detail the bot asked for, not a complaint nor a new request
_WHY_ASKED = re.compile(
    r"\b(?:why|how\s+come)\b[^.?!。？！]{0,30}?\b(?:reason|need|want|ask|know|matter)"
    r"|(?<![а-яё])(?:зачем|почему|для\s+чего)(?![а-яё])[^.?!。？！]{0,30}?"
    r"(?<![а-яё])(?:причин|нужн|над[оа]|зна[тю]|спрашива)"
    r"|(?:为什么|为啥|干嘛|干吗|凭什么)[^.?!。？！]{0,10}?(?:原因|理由|知道|问)",
    re.IGNORECASE,
)


def asks_why_it_is_asked(text: str) -> bool:
    """ "why do you need a reason?": the customer asks why the bot wants what it asked for."""
    return _WHY_ASKED.search(text) is not None


# "why don't you cancel it?", "can't you change it?": a request, however negative its words
_WHY_NOT = re.compile(
    r"\b(?:why|how\s+come|can['’]?t|couldn['’]?t|won['’]?t)\s+(?:don['’]?t\s+|do\s+not\s+)?you\b",
    re.IGNORECASE,
)
# "I don't want to change anything else, just the address": the action itself is not refused
_NOTHING_ELSE = re.compile(
    r"\s*(?:\b(?:anything|nothing)\s+else\b|\bany\s+other\b|其他|别的|ничего\s+больше)",
    re.IGNORECASE,
)


# the order itself, a pronoun for it, or a filler: what a keep clause keeping no item says
_NO_ITEM = re.compile(
    r"\b(?:it|them|the|my|order|everything|please)\b|订单|它|[了吧的啊呢]"
    r"|(?<![а-яё])(?:его|её|ее|их|заказ\w*|вс[её]|себе|пожалуйста)(?![а-яё])|[\W\d_]+",
    re.IGNORECASE,
)


def _refusable(text: str) -> str:
    """The text without a clause that keeps some items beside a request to act ("数据线退了吧
    充电器留着" -> "数据线退了吧，", "…, телефон и чехол оставьте"): such a clause says which
    items are meant, it refuses nothing ("保留订单", "оставлю его" keep the order)."""
    apart = kept_apart(text)
    acting = any(verb.search(apart.asked) for verb in _DOING_IT.values())
    return apart.asked if acting and _NO_ITEM.sub("", apart.left_out) else text


def says_not_to(intent: str | None, text: str) -> bool:
    """Whether the text refuses what the action intent ``intent`` does and asks for it nowhere
    else."""
    refusing = _NOT_THE_ACTION.get(intent or "")
    text = _refusable(_WHY_NOT.sub(" ", text))
    found = refusing.search(text) if refusing else None
    if refusing is None or found is None or _NOTHING_ELSE.match(text, found.end()):
        return False
    return _DOING_IT[intent or ""].search(refusing.sub(" ", text)) is None


def refused_action(text: str) -> str | None:
    """The action intent the text refuses ("don't cancel my order, …"), or None."""
    return next((intent for intent in _NOT_THE_ACTION if says_not_to(intent, text)), None)


def asked_instead(refused: str, text: str) -> str | None:
    """Another action the text asks for beside the one it refuses ("I don't want to cancel
    it, I need to change the address"), or None."""
    rest = _NOT_THE_ACTION[refused].sub(" ", text)
    return next(
        (
            intent
            for intent in _NOT_THE_ACTION
            if intent != refused and says_an_action(intent, rest) and not says_not_to(intent, text)
        ),
        None,
    )


# an exchange ("can I swap it for a small?", "换个尺码", "обменять на размер M"): no return for
# a refund, which is all the return action does
_EXCHANGE = re.compile(
    r"\b(?:exchang\w*|swap\w*|trade\s+(?:it|them)\s+(?:in|for))\b|换货|换成|换个|调换|更换尺码"
    r"|(?<![а-яё])(?:обмен\w*|поменять\s+на|замен\w*\s+на)",
    re.IGNORECASE,
)
_REFUND = re.compile(
    r"\brefund|\bmoney\s+back|退款|退钱|(?<![а-яё])(?:деньги|возврат\s+средств)", re.I
)


# some of an item's units: "one of the three cups", "2 of the 3", "half of the mugs", "одну из
# трёх", "其中一个", "一半" ("one of my orders", "one of the items" choose whole ones)
_PART_OF = re.compile(
    r"\b(?:one|two|three|four|\d+)\s+of\s+(?:the|my|these|those)\b"
    r"(?!\s+(?:orders?|items?|products?|things)\b)"
    r"|\bhalf\s+(?:of\s+)?(?:the|my)\b|\bone\s+pair\s+of\s+the\b|\bthe\s+other\s+pair\b"
    r"|(?<![а-яё])(?:одн[уа]|две|два|три|\d+)\s+из(?![а-яё])|половин|其中(?:一|两|二|三|\d)|一半"
    # "одни чиносы из двух", "одну пару из трёх"
    r"|(?<![а-яё])(?:одн[уаио]|одного|две|два|три|\d+)(?:\s+(?!заказ|товар|посылк|коробк)[а-яё]+){1,2}\s+из\s+"
    r"(?:двух|тр[её]х|четыр[её]х|\d+)(?![а-яё])",
    re.IGNORECASE,
)
_HAN_CHARACTER = re.compile(r"[\u4e00-\u9fff]")
_COUNTS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "одну": 1, "одна": 1, "один": 1, "одно": 1, "два": 2, "две": 2, "три": 3, "четыре": 4,
    "пять": 5, "一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5,
}  # fmt: skip
_COUNT = r"(\d+|" + "|".join(_COUNTS) + r")"


def _count_before(text: str, name: str) -> int | None:
    """The count said right before the item's name ("one Wireless Mouse", "одну зубную пасту",
    "一个键盘"), or, for a Chinese name, the smallest said after it with a measure word
    ("面霜退一瓶"; "香水我买了两瓶，退一瓶" is 1); or None."""
    head = name_head(name)
    if not head:
        return None
    found = re.search(
        rf"(?<![\w-]){_COUNT}\s*{MEASURE_WORD}?\s*(?:\w+\s+)?{re.escape(head)}",
        text,
        re.IGNORECASE,
    )
    if found is not None:
        return _number(found.group(1))
    first = name.split()[0]
    if not _HAN_CHARACTER.match(first) or first not in text:
        return None
    after = text[text.find(first) :]
    counts = [n for m in re.finditer(rf"{_COUNT}\s*{MEASURE_WORD}", after) if (n := _number(m[1]))]
    return min(counts, default=None)


def _number(said: str) -> int | None:
    return int(said) if said.isdigit() else _COUNTS.get(said.lower())


_ZH_UNITS = rf"(?:[一两二三四五六七八九十]|\d+)\s*{MEASURE_WORD}"
# "充电宝退一个 留两个", "留一个，退两个", "退两个 剩下一个留着": a count returned, a count kept
_ZH_RETURNED = re.compile(rf"(?:退|取消)[掉回]?\s*{_ZH_UNITS}")
_ZH_KEPT = re.compile(rf"(?:留|剩)[下着]?\s*{_ZH_UNITS}")


def asks_for_some_units(text: str) -> bool:
    """ "one of the three cups", "половину", "其中一个", "退一个 留两个": some of a line's
    units, whatever the order (checked before the order is known, so a later "#W1" does not
    lose it)."""
    some_kept = _ZH_RETURNED.search(text) is not None and _ZH_KEPT.search(text) is not None
    return _PART_OF.search(text) is not None or some_kept


_ONLY = re.compile(r"\b(?:only|just)\b|只|仅|(?<![а-яё])только(?![а-яё])", re.IGNORECASE)
# "remove the stapler from #1", "cancel the paper", "уберите коврик", "面膜取消掉": an item as
# what is cancelled (its order is named by "from", "in" or the order word after it)
_CANCEL_VERB = re.compile(
    r"\b(?:cancel|remove|take\s+off|drop|delete)\b|取消|去掉|删掉"
    r"|(?<![а-яё])(?:отмени(?:те)?|убери(?:те)?|удали(?:те)?)(?![а-яё])",
    re.IGNORECASE,
)
# "remove the stapler from #1", "уберите сборку из заказа", "把延保去掉": an item taken out of
# the order, whose other items stay
_REMOVE_VERB = re.compile(
    r"\b(?:remove|take\s+(?:off|out)|delete)\b|去掉|删掉"
    r"|(?<![а-яё])(?:убери(?:те)?|убрать|удали(?:те)?|удалить)(?![а-яё])",
    re.IGNORECASE,
)
_OBJECT_ENDS = re.compile(
    r"\b(?:from|in|of|on|with|order)\b|[#,;.!?，。；！？]|订单|(?<![а-яё])(?:из|в|с|заказ\w*)(?![а-яё])",
    re.I,
)
_CJK_BEFORE = 12  # characters before a Chinese verb that may name its object
_AFTER_ONLY = 40  # characters after "only" that may name what it is about
_ORDER_WORD = re.compile(r"\border\b|订单|(?<![а-яё])заказ", re.IGNORECASE)  # "just my order with"
_NAME_WORD = re.compile(r"[a-z]{4,}")


def _named_at_all(text: str, items: Sequence[Mapping[str, Any]]) -> set[str]:
    """The lines the text names in any way, even by one word of a name of several ("the
    hobbit" for "The Hobbit Hardback"): to see that something is left out, a line too many
    is better than one too few."""
    named = set(item_mentions(text, items))
    words = set(_NAME_WORD.findall(text.casefold()))
    for item in items:
        name_words = _NAME_WORD.findall(str(item.get("name") or "").casefold())
        if any(w in words or f"{w}s" in words or f"{w}es" in words for w in name_words):
            named.add(item_key(item))
    return named


def _cancelled_objects(text: str, verbs: re.Pattern[str] = _CANCEL_VERB) -> list[str]:
    """What each cancel verb of the text takes as its object: the words after it up to "from",
    "in", "#" or the end of the clause ("remove the stapler from #1" -> "the stapler"; words
    before "order" name the order: "cancel my order with the pen", "cancel the jacket order"
    name no item), and, for a Chinese verb, the
    characters before it since the last 订单 ("面膜取消掉" -> "面膜"; "取消面膜那个订单" names
    the order, not the item)."""
    objects = []
    for verb in verbs.finditer(text):
        after = text[verb.end() : verb.end() + _AFTER_ONLY]
        if not _HAN_CHARACTER.match(verb.group()):
            end = _OBJECT_ENDS.search(after)
            if end is None or not _ORDER_WORD.match(end.group()):  # "the jacket order"
                objects.append(after[: end.start()] if end else after)
            continue
        if "订单" not in re.split(r"[，。；！？,;.!?]", after)[0]:
            objects.append(_OBJECT_ENDS.split(after)[0])
        before = text[max(0, verb.start() - _CJK_BEFORE) : verb.start()]
        objects.append(before.split("订单")[-1])
    return objects


def cancels_some_items(text: str, items: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a cancel verb of the text takes some of the order's items, not all, as what is
    cancelled ("cancel the paper" of an order of paper and a stapler)."""
    return any(0 < len(_named_at_all(o, items)) < len(items) for o in _cancelled_objects(text))


_KEEPS = re.compile(
    r"\b(?:keep|leave)\b|保留|留着|留下|(?<![а-яё])(?:остав|остальн)", re.IGNORECASE
)


def asks_for_part(action: str | None, text: str, items: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the message asks for part of what the action does at once, for an order of
    ``items``: a cancellation that leaves some of them out ("cancel everything except the
    tray"; an order is cancelled whole), or a return of some of a line's units ("one of the
    three cups", "одну зубную пасту" of four; a return takes a line whole)."""
    if action == "cancel_order":
        return _cancels_part(text, items)
    if action != "return_order":
        return False
    named = set(item_mentions(text, items))
    several = [i for i in items if item_key(i) in named and int(i.get("quantity") or 1) > 1]
    if not several:
        return False
    counts = [(_count_before(text, str(i.get("name") or "")), int(i["quantity"])) for i in several]
    return any(count is not None and count < quantity for count, quantity in counts)


_OTHERS = re.compile(r"其他|其余|剩下|\bthe\s+(?:rest|others?)\b|(?<![а-яё])остальн", re.I)


def _cancels_part(text: str, items: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a cancellation leaves some of the order's items out (see ``asks_for_part``),
    whatever verb it uses ("茶盘退掉，其他的留着" of a pending order is part of it)."""
    apart = kept_apart(text)
    left_out = apart.left_out
    if left_out.strip() and _named_at_all(left_out, items) - {ALL_ITEMS}:
        return True
    # "茶盘退掉，其他的留着", "cancel the tray, keep the others": some named, the rest kept
    asked = _named_at_all(apart.asked, items) - {ALL_ITEMS}
    if _OTHERS.search(left_out) and 0 < len(asked) < len(items):
        return True
    # "cancel only the pen", "只取消钢笔", "отмените только ручку": some of the lines
    if any(
        0 < len(_named_at_all(_ORDER_WORD.split(after)[0], items)) < len(items)
        for after in (text[m.end() : m.end() + _AFTER_ONLY] for m in _ONLY.finditer(text))
    ):
        return True
    # "cancel the blue one" of two phones, "蓝色那台取消掉": one of the lines of a name
    if any(_picks_among_a_name(o, items) for o in _cancelled_objects(text)):
        return True
    # "remove the assembly service from HL-5501", "уберите сборку из заказа": taken out
    if any(
        0 < len(_named_at_all(o, items)) < len(items)
        for o in _cancelled_objects(text, _REMOVE_VERB)
    ):
        return True
    # "cancel the stapler, keep the rest", "уберите коврик, гантели оставьте"
    return cancels_some_items(text, items) and _KEEPS.search(text) is not None


def _picks_among_a_name(said: str, items: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the words name some but not all of the lines that share a name ("the blue one"
    of two phones told apart by their colour)."""
    named = set(item_mentions(said, items))
    lines: dict[str, set[str]] = {}
    for item in items:
        lines.setdefault(str(item.get("name") or ""), set()).add(item_key(item))
    return any(0 < len(named & keys) < len(keys) for keys in lines.values() if len(keys) > 1)


def asks_for_an_exchange(text: str) -> bool:
    """Whether the message asks to exchange an item rather than to return it for a refund."""
    return _EXCHANGE.search(text) is not None and _REFUND.search(text) is None


# "change the size on my cardigan order from S to M", "换成M码", "поменяйте размер": an item
# changed, not where the order goes (an address said, unless denied: "the SIZE, not the address")
_ITEM_TRAIT = re.compile(
    r"\b(?:size|colou?r|shade)s?\b|尺码|码数|尺寸|颜色|色号|(?<![а-яё])(?:размер|оттен)"
    r"|(?<![а-яё])цвет(?:а|е|ом|у)?(?![а-яё])"  # not цветы, flowers
    r"|\b(?:an?|in|to)\s+(?-i:XXS|XS|S|M|L|XL|XXL)(?![.\w])|(?-i:[SMLX]{1,3})\s*码",  # "an M"
    re.IGNORECASE,
)
_NOT_THE_ADDRESS = re.compile(
    r"\bnot\s+(?:the\s+|my\s+)?address\b|不是(?:改)?地址|(?<![а-яё])не\s+адрес\w*", re.I
)
_ADDRESS_SAID = re.compile(
    r"\baddress\b|\bship(?:ping)?\s+(?:it\s+)?to\b|地址|寄到|(?<![а-яё])адрес", re.IGNORECASE
)


def changes_an_item(text: str) -> bool:
    """Whether a change asked of an order is of an item's size or colour, not of its address."""
    rest = _NOT_THE_ADDRESS.sub(" ", text)
    return _ITEM_TRAIT.search(rest) is not None and _ADDRESS_SAID.search(rest) is None


def says_a_new_request(intent: str | None, text: str) -> bool:
    if intent == "order_status":
        return asks_its_status(text)
    return says_an_action(intent, text)


def about_own_order(text: str) -> bool:
    """Whether the text is about something the customer bought: an order id, "it" / "the
    order", or a first-person possessive or purchase ("my", "I ordered", "我的", "мой")."""
    return bool(order_ids(text) or _OWN.search(text) or _THEIR_ORDERS.search(text))


def asks_its_status(text: str) -> bool:
    """Whether the text asks when or where their order is, without an "if", or which orders
    they have ("What are my orders?", "我有哪些订单？", "Какие у меня заказы?")."""
    if _THEIR_ORDERS.search(text) is not None:
        return True
    return _STATUS_QUESTION.search(text) is not None and _CONDITION.search(text) is None


def asks_in_general(text: str) -> bool:
    """A question about how things work rather than about one of the customer's orders."""
    return not order_ids(text) and _GENERAL_QUESTION.search(text) is not None


_SENTENCE = re.compile(r"[^.!?\n。！？]+[.!?。！？]*")


def question_beside(text: str) -> str | None:
    """A general question in a sentence of its own beside a request about an order ("Where
    is #W1? Also, do you charge VAT on shipping?" -> "Also, do you charge VAT on shipping?"),
    or None: the first sentence never, nor one about their order, its status or an action."""
    later = [s.strip() for s in _SENTENCE.findall(text)][1:]
    return next(
        (
            s
            for s in later
            if asks_something(s)
            and asks_in_general(s)
            and not _STATUS_QUESTION.search(s)
            and stated_request(s) in (None, "order_status")
            and not about_own_order(s)
        ),
        None,
    )


# the words around details given to prove who one is ("Hi, my name is ... and my zip is ...")
_INTRODUCING = re.compile(
    r"\b(?:hi|hello|hey|my|name|is|i'?m|i\s+am|this|it'?s|zip|code|postcode|postal|email|e-mail"
    r"|address|and|the|order|number|here|thanks?|you)\b"
    r"|我叫|我是|我的|名字|邮编|邮箱|订单号?|你好|您好|是|和"
    r"|(?<![а-яё])(?:меня|зовут|это|я|индекс|почта|почты|мой|моя|заказ|номер|и|здравствуйте|привет)"
    r"(?![а-яё])",
    re.IGNORECASE,
)


def only_details(text: str, details: Iterable[str]) -> bool:
    """The message gives ``details`` (a name, zip, email, order number) and says nothing else."""
    rest = text
    for value in details:
        rest = re.sub(re.escape(value), " ", rest, flags=re.IGNORECASE)
    rest = _INTRODUCING.sub(" ", without_order_ids(rest))
    return not re.sub(r"[\W\d_]+", "", rest)


# an elliptical follow-up question: "and to Canada?", "what about express?", "那加急呢？",
# "а экспресс?"
_FOLLOW_UP = re.compile(
    r"^\s*(?:and|what\s+about|how\s+about|also)\b|^\s*(?:а|и)(?![а-яё])|^\s*那|呢\s*[?？]?\s*$",
    re.IGNORECASE,
)
FOLLOW_UP_WORDS = 6
FOLLOW_UP_CHARS = 30


def follow_up_question(text: str, history: list[str]) -> str:
    """The question a short follow-up question asks: read with the customer's previous message
    when that was a question too ("How long does shipping take?" then "and to Canada?"),
    else the text itself ("and good morning" asks nothing)."""
    short = len(text.split()) <= FOLLOW_UP_WORDS and len(text) <= FOLLOW_UP_CHARS
    asks = asks_something(text) and asks_something(history[-1]) if history else False
    if short and asks and _FOLLOW_UP.search(text):
        return f"{history[-1]} {text}"
    return text


_THANKS_OR_GOODBYE = re.compile(
    r"\b(?:thanks?|thank\s+you|thx|ty|bye|goodbye|see\s+you|cheers)\b"
    r"|(?<![а-яё])(?:спасибо|спасибки|спс|благодарю|до\s+свидания|пока)(?![а-яё])"
    r"|谢谢|谢啦|谢了|多谢|感谢|再见|拜拜",
    re.IGNORECASE,
)
CLOSING_WORDS = 8


_BUT = re.compile(
    r"\b(?:but|however|though|nothing|never|not|no)\b|(?<![а-яё])(?:но|однако|не|нет|ничего)(?![а-яё])"
    r"|但|可是|不过|没|不",
    re.IGNORECASE,
)


def says_thanks_or_goodbye(text: str) -> bool:
    """A short thank-you or goodbye that asks nothing and says nothing else ("thanks!",
    "Спасибо, до свидания", "谢谢，再见"; not "Thanks but the item arrived broken")."""
    short = len(text.split()) <= CLOSING_WORDS and len(text) <= 60
    plain = not asks_something(text) and _BUT.search(text) is None
    return short and plain and _THANKS_OR_GOODBYE.search(text) is not None


# --- what is cancelled is no order: a subscription, a membership, a plan, an account ----------

_STOPPING = (
    r"\b(?:cancel\w*|stop(?!ped)\w*|end|terminat\w*|discontinu\w*|unsubscrib\w*|opt\s+out)\b"
)
# a word that is always a subscription; a word that is one with "my", "the", "our" before it
# ("stop my refill club", "cancel the Plus plan"; "I plan to cancel" plans nothing)
_SUBSCRIPTION_NOUN = r"(?:subscription|membership|auto-?renew(?:al|ing)?)s?\b"
_OWNED_NOUN = (  # the last word of what is cancelled: not "the trial size serum", "Golf Club set"
    r"\b(?:my|our|the|this|that|your)\s+(?:[\w'’-]+\s+){0,2}?(?:plan|account|club|trial)s?\b"
    r"(?=\s*(?:$|[,.!?;:)]|(?:please|now|today|and|as|because|since|from|for|asap|thanks?)\b))"
)
_GAP = r"(?:\s+[\w'’-]+){0,4}?\s+"  # a few words, no punctuation: the same clause
_CANCELS_A_SUBSCRIPTION = re.compile(
    rf"{_STOPPING}{_GAP}(?:\w+\s+)?{_SUBSCRIPTION_NOUN}|{_STOPPING}(?:\s+[\w'’-]+){{0,2}}?\s+"
    rf"{_OWNED_NOUN}|\b{_SUBSCRIPTION_NOUN}(?:\s+[\w'’-]+){{0,3}}?\s+(?:cancel\w*|terminat\w*)"
    r"|\bunsubscrib\w*"
    # zh: 订阅, 会员, 会籍, 套餐 (and a member's card) after or before the verb, or 退订
    r"|(?:取消|退掉|退|停掉|停止|关闭|终止|解约|注销|不续)[^，,。！？!?；;\s]{0,6}?"
    r"(?:订阅|会员|会籍|套餐|包月|包年|自动续费|年卡|月卡|健身卡)(?![价积])"
    r"|(?:订阅|会员|会籍|套餐|包月|包年|自动续费|年卡|月卡|健身卡)[^，,。！？!?；;]{0,6}?"
    r"(?:取消|退掉|停掉|停止|关闭|终止|解约|注销|不续)|退订"
    # ru: подписка, абонемент, членство, тариф (and a club card) after or before the verb
    r"|(?<![а-яё])(?:отмен|отказ|расторг|прекрат|останов|приостанов|отключ|закр|заверш)[а-яё]*"
    r"(?:\s+[а-яё-]+){0,3}?\s+(?:подписк|абонемент|членств|тариф|клубн[а-яё]*\s+карт|автопродлен)"
    r"|(?<![а-яё])(?:подписк|абонемент|членств|тариф|автопродлен)[а-яё]*(?:\s+[а-яё-]+){0,2}?\s+"
    r"(?:отмен|расторг|прекрат|отключ)|(?<![а-яё])отпи(?:ш|с)[а-яё]*",
    re.IGNORECASE,
)
# an order named: its word or its number ("cancel order #W1 and my subscription" cancels #W1)
_ORDER_NAMED = re.compile(r"\border(?:s|ed)?\b|订单|下单|(?<![а-яё])заказ", re.IGNORECASE)


def cancels_a_subscription(text: str) -> bool:
    """Whether what the message asks to cancel is a subscription, a membership, a plan or an
    account rather than an order ("cancel my membership", "stop my refill club", "帮我取消订阅",
    "как отменить подписку"): never when it names an order, by its word or its number ("cancel
    order #W1 and my subscription" asks to cancel #W1)."""
    if order_ids(text) or _ORDER_NAMED.search(text):
        return False
    return _CANCELS_A_SUBSCRIPTION.search(text) is not None


# --- questions in words asks_something does not read, and small talk ------------------------

# "免费版 API 每分钟能调多少次", "几点开门", "有没有停车场", "能不能带朋友": a Chinese question
# without a question mark or 吗
_ASKS_IN_CHINESE = re.compile(
    r"多少|几(?:[个次点号天岁月年张位家种分秒周人]|点钟)|有没有|能不能|可不可以|行不行|要不要|会不会|是否|咋"
)
# a greeting and the small talk around it: "hi", "how are you?", "can you help me?", "anyone
# there?", "привет, как дела?", "你好，在吗？" ask nothing about the business
_SMALL_TALK = re.compile(
    r"\b(?:hi+|hello|hey|hiya|yo|good\s+(?:morning|afternoon|evening|day)|morning|evening"
    r"|how\s+(?:are|r)\s+(?:you|u|ya)(?:\s+doing)?|how(?:['’]s|\s+is)\s+it\s+going"
    r"|what(?:['’]s|\s+is)\s+up|whats\s+up|sup|(?:is\s+)?(?:any(?:one|body)|some(?:one|body))\s+(?:there|here|around)"
    r"|(?:can|could|would)\s+(?:you|u)\s+help(?:\s+me)?|can\s+i\s+ask(?:\s+you)?"
    r"(?:\s+(?:a\s+question|something))?|i\s+have\s+a\s+question|are\s+you\s+(?:a\s+)?"
    r"(?:bot|robot|human|real|there)|there|please|pls|thanks?|thank\s+you|guys|folks|team|all"
    r"|again|today|dear|sir|madam)\b"
    r"|(?<![а-яё])(?:привет\w*|здравствуй\w*|добр\w+\s+(?:день|утро|вечер|ночи)|доброе\s+утро"
    r"|как\s+(?:дела|вы|ты|поживаете)|вы\s+(?:тут|здесь)|есть\s+кто(?:-(?:нибудь|то))?"
    r"(?:\s+(?:тут|здесь))?|можно\s+(?:задать\s+)?вопрос|(?:можете|можешь|могли\s+бы)\s+помочь"
    r"|помогите|у\s+меня\s+вопрос|спасибо|пожалуйста|хай|салют|ребята)(?![а-яё])"
    r"|你好|您好|哈喽|嗨|在吗|在不在|有人吗|请问|可以帮我吗|能帮我吗|帮帮我|我有(?:个|一个)?问题|谢谢"
    r"|早上好|下午好|晚上好|早安|大家好|亲",
    re.IGNORECASE,
)


def asks_a_question(text: str) -> bool:
    """A question mark or a question word (``asks_something``), or a Chinese question in words
    it does not read ("免费版 API 每分钟能调多少次", "有没有停车场")."""
    return asks_something(text) or _ASKS_IN_CHINESE.search(text) is not None


def asks_beyond_small_talk(text: str) -> bool:
    """A question about something other than the greeting around it: "freeze?", "are you guys
    open on christmas day?", "1 января работаете?"; not "hi, how are you?", "can you help
    me?", "你好，在吗？" (the knowledge base is no answer to those)."""
    if not asks_a_question(text):
        return False
    return bool(re.sub(r"[\W\d_]+", "", _SMALL_TALK.sub(" ", text)))
