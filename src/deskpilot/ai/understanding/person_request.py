# ruff: noqa: RUF001, RUF003 - Chinese and Russian text, as customers write it
"""Whether a message asks for a person: "talk to an agent", "I want a human", "转人工",
"оператора позовите".

The hand-off rule needs a *request*, not the mere word: "the agent said it would arrive" or
"my operator is MTS" mention a person without asking for one. A request is a person word
(agent, human, manager, 人工客服, оператор...) together with a way of asking for it (talk to,
connect me with, I want, get me, 转, 找, позовите, соедините...), a message that is nothing but
the person word ("agent", "人工", "Оператор!"), a request to be called back, a refusal of the
bot ("I don't want a bot"), or an escalation ("please escalate this", "找你们领导").
After "I want", "get me" or "is there", the person has to end the request or come with talking
or help: "I need someone to pick up my return", "a manager's approval" and "is there anyone
available to receive the parcel" ask for no one. Being called is a request only when asked for
("can someone call me", "让客服人员联系我"), not "did anyone email me". The intent classifier
(``human_request``) is the other way in; this is the net for what it misses. Its label is
believed only for a message that names a person at all (``names_person``, at the end).
"""

from __future__ import annotations

import re

# --- English --------------------------------------------------------------------------------

_EN_PERSON = (
    r"(?:(?:a|an|the|your|some|one\s+of\s+your)\s+)?"
    r"(?:(?:real|live|actual|human|customer\s+service|customer\s+support|support)\s+)?"
    r"(?:human(?:\s+being)?s?|person|people|agents?|operators?|representatives?|reps?"
    r"|someone|somebody|some\s+one|anyone|anybody|managers?|supervisors?|staff(?:\s+member)?"
    r"|customer\s+(?:service|support|care)|support\s+team|team\s+members?|live\s+support)\b"
)
# a person as such, not "anyone" ("can anyone help me" is asked of the bot too)
_EN_REAL_PERSON = (
    r"(?:(?:a|an|the|your|one\s+of\s+your)\s+)?"
    r"(?:(?:real|live|actual|human|customer\s+service|support)\s+)?"
    r"(?:human(?:\s+being)?|person|agent|operator|representative|rep|manager|supervisor"
    r"|staff\s+member)s?\b"
)
# after "I want / get me / is there" + a person, the request has to end there or go on with
# talking or help: "I need someone to pick up my return" and "a manager's approval" ask for no
# one
_EN_END = (
    r"(?=\s*(?:$|[.!?,;:…。！？，；)]"
    r"|(?:please|pls|plz|now|asap|here|immediately|right\s+now|on\s+the\s+(?:line|phone)"
    r"|instead|rather\s+than|(?:and\s+)?not\s+(?:a\s+|the\s+)?(?:ro)?bot"
    r"|from\s+(?:your\s+|the\s+)?(?:support|customer\s+service|team|staff))\b"
    r"|['’]s\s+(?:help|assistance|attention)\b"
    r"|(?:to|who\s+(?:can|could|will)|that\s+(?:can|could|will))\s+(?:\w+\s+)?"
    r"(?:talk|speak|chat|help|assist)\b))"
)
_EN = re.compile(
    # talk to / connect me with / transfer me to / escalate this to + a person
    r"\b(?:talk|speak|chat|connect|transfer|put|pass|switch|forward|escalate|redirect)"
    r"(?:\s+(?:me|this|it|my\s+\w+))?(?:\s+(?:through|over|back))?\s+(?:to|with)\s+"
    r"(?:(?:your|the)\s+)?(?:support\b|"
    + _EN_PERSON
    + ")"
    # I'd rather deal with a person
    + r"|\b(?:rather|prefer(?:\s+to)?)\s+(?:deal|work|talk|speak|chat)\s+with\s+"
    + _EN_PERSON
    # I want / I need / get me / give me / can I get + a person
    + r"|\b(?:i\s+(?:want|need|would\s+like|'d\s+like|’d\s+like|demand|insist\s+on)"
    r"|give\s+me|get\s+me|find\s+me|bring\s+me|let\s+me\s+have|can\s+i\s+(?:get|have)"
    r"|could\s+i\s+(?:get|have)|may\s+i\s+(?:get|have))\s+(?:to\s+(?:talk|speak)\s+(?:to|with)\s+)?"
    + _EN_PERSON
    + _EN_END
    # is there a live agent available? is a real person available?
    + r"|\b(?:is|are)\s+there\s+"
    + _EN_PERSON
    + r"\s+(?:available|online|free|around)"
    + _EN_END
    + r"|\b(?:is|are)\s+"
    + _EN_REAL_PERSON
    + r"\s+(?:available|online|free|around)"
    + _EN_END
    # can a human help me?
    + r"|\b(?:can|could|would)\s+"
    + _EN_REAL_PERSON
    + r"\s+(?:please\s+)?(?:help|assist)\b"
    # please have someone call me / can a support person contact me ("did anyone email me"
    # is a question, not a request; "email me the invoice" asks for a document)
    + r"|(?:^\W*|\b(?:can|could|would|please|pls|have|get|let|need|want|like|ask)\s+)"
    + _EN_PERSON
    + r"\s+(?:to\s+)?(?:(?:call|contact|phone|ring)\s+me\b"
    r"|email\s+me\b(?!\s+(?:the|a|an|my|your|this|that|it|these|those)\b))"
    + r"|\blive\s+(?:agent|person|operator|human|rep|representative)\b"
    # live support please ("live support hours" is a question)
    + r"|\blive\s+support\s*,?\s*(?:please|pls|plz|now|asap)\b"
    # please escalate this / escalate it / I want this escalated
    + r"|(?:^\W*|\b(?:please|pls|kindly|can\s+you|could\s+you|would\s+you|will\s+you"
    r"|i\s+want\s+to|i\s+need\s+to|i\s+would\s+like\s+to|i'd\s+like\s+to|i’d\s+like\s+to)\s+)"
    r"escalate\b"
    r"|\bescalate\s+(?:this|it|my\s+\w+)\s*,?\s*(?:please|pls|now|asap)\b"
    r"|\b(?:want|need|get)\s+(?:this|it|my\s+\w+)\s+escalated\b"
    # I don't want a bot
    r"|\b(?:don'?t|don’t|do\s+not)\s+want\s+(?:to\s+(?:talk|speak|chat)\s+(?:to|with)\s+)?"
    r"(?:a|the|your|this)?\s*(?:ro)?bot\b"
    # the whole message is the person word: "agent", "human please"
    r"|^\W*(?:human|agent|operator|representative|person|real\s+person|live\s+agent"
    r"|live\s+support|customer\s+service|support)(?:[\s,.!]+(?:please|pls|now))*\W*$",
    re.IGNORECASE,
)

# --- Chinese --------------------------------------------------------------------------------

_ZH_STAFF = r"(?:人工客服|客服人员|客服|工作人员|人工|经理|主管|负责人|专员)"
_ZH = re.compile(
    r"转人工|人工客服|人工服务|人工坐席|人工台|(?:找|要|接|转接|切换)人工"
    r"|真人客服|(?:找|要|转|接|换)个?真人|(?:和|跟|与)真人(?:说|聊|沟通|对话|交流|通话)"
    r"|转接客服|转客服|(?:找|要|叫|让|请)(?:你们的?)?(?:客服人员|经理|主管|负责人)"
    r"|(?:找|要|叫|让|请)(?:你们的?|贵公司的?)领导"
    # "让客服人员联系我", not "客服人员已经联系我了"
    r"|(?:叫|让|请)(?:你们的?)?客服人员\S{0,4}(?:联系|打电话|回电)"
    # "请给我回电话", "叫你们经理给我打电话", not "请快递员给我打电话"
    r"|让人给我打电话|(?:叫|让|请)(?:你们的?|您|你)?(?:" + _ZH_STAFF + r"|人)?"
    r"(?:来|尽快|马上|赶紧|立刻)?给我(?:打|回)个?电话"
    r"|不(?:想|要)(?:跟|和|与)?机器人|(?:给我|帮我)找个人(?![信资账中])"
    r"|^\W*(?:人工|客服|真人)\W*$",
)

# --- Russian (words are inflected; the forms below cover the cases people ask in) ------------

_RU_PERSON = (
    r"(?:(?:жив|настоящ|ваш|старш|реальн|свободн)\w*\s+)?"
    r"(?:оператор|человек|людьми|сотрудник|менеджер|специалист|консультант|руководител"
    r"|администратор|служб\w*\s+поддержки|поддержк)\w*"
)
_RU_ASK = (
    r"(?:позовите|позови|позвать|пригласите|пригласи|соедините|соедини|соединить|переключите"
    r"|переключи|переключить|свяжите|свяжи|связать|связаться|переведите|переведи|перевести"
    r"|передайте|передай|передать|поговорить|пообщаться|говорить|общаться|дайте|дай|давайте"
    r"|хочу|хотим|требую|нужен|нужна)"
)
_RU_ASK_AFTER = (  # after the person: imperatives only ("человек хочу" is no request)
    r"(?:позовите|позови|пригласите|пригласи|соедините|дайте|дай|давайте|позвать|поговорить"
    r"|пообщаться|нужен|нужна)"
)
_RU = re.compile(
    # a request, then (within a few words) the person: "соедините меня с оператором"
    r"(?<!\w)" + _RU_ASK + r"(?:\s+(?:меня|мне|нас|помощь|с|со|на|к|ко|ли|бы)){0,3}"
    r"(?:\s+\w+(?:ого|его|ым|им|ой|ий|ый|ую|юю))?\s+"
    + _RU_PERSON
    # the person, then the request: "оператора позовите", "с человеком поговорить"
    + r"|(?<!\w)"
    + _RU_PERSON
    + r"[\s,!]+(?:мне\s+)?"
    + _RU_ASK_AFTER
    + r"(?!\w)"
    # someone call me back
    + r"|(?:пусть|чтобы)\s+(?:мне\s+)?(?:кто-нибудь|кто-то|"
    + _RU_PERSON
    + r")\s+(?:мне\s+)?"
    r"(?:позвонит|перезвонит|свяжется|позвонил|перезвонил|связался)"
    r"|(?:перезвоните|позвоните)\s+мне"
    # "можно оператора?", "можно с человеком?", not "можно ли человеку другому забрать"
    r"|(?<!\w)можно(?:\s+(?:ли|мне|нам|бы|меня|нас)){0,2}"
    r"(?:\s+(?:позвать|пригласить|соединить|переключить|связаться|поговорить|пообщаться))?"
    r"(?:\s+(?:с|со)(?:\s+\w+(?:ым|им))?\s+(?:оператор|человек|сотрудник|менеджер|специалист"
    r"|консультант|администратор)ом|\s+с\s+(?:\w+(?:ым|им)\s+)?(?:руководител|людь)\w*"
    r"|(?:\s+\w+(?:ого|его))?\s+(?:оператор|человек|сотрудник|менеджер|специалист|консультант"
    r"|руководител|администратор)[ая]"
    r")(?!\w)"
    # pass it to the management, escalate ("руководство" alone is also a manual)
    r"|(?<!\w)(?:передайте|передай|передать)\s+(?:\w+\s+){0,2}?руководству(?!\w)"
    r"|(?<!\w)(?<!не\s)(?:эскалируйте|эскалируй)(?!\w)"
    r"|(?<!\w)(?:прошу|хочу|требую|можно|можете|могли\s+бы)\s+эскалировать(?!\w)"
    # is there a free operator? "a live person" alone
    r"|есть\s+(?:ли\s+)?(?:свободн|жив)\w*\s+(?:оператор|человек|сотрудник|менеджер)"
    r"|(?<!\w)жив\w*\s+(?:человек|оператор|сотрудник)\w*"
    # not a bot
    r"|не\s+хочу\s+(?:\w+\s+){0,2}?(?:с\s+)?(?:бот|робот)\w*"
    # the whole message is the person word
    r"|^\W*(?:оператор|оператора|человек|человека|живой\s+человек|менеджер|менеджера|сотрудник"
    r"|сотрудника)(?:[\s,.!]+(?:пожалуйста|срочно|сейчас|быстро))*\W*$",
    re.IGNORECASE,
)


def asks_for_person(text: str) -> bool:
    """Whether ``text`` asks to be passed to a person (en, zh, ru)."""
    stripped = text.strip()
    return any(p.search(stripped) for p in (_EN, _ZH, _RU))


# --- a person named at all, for the intent classifier's label ---------------------------------
# The classifier's ``human_request`` catches requests the rules above miss ("找个真正能帮我的人来",
# "Дайте того, кто реально может помочь") but also labels "my cat told me to" or "жена
# попросила" by their shape. Its label is believed only for a message that names a person, the
# bot or an escalation, and does not merely report what somebody said ("someone told me to",
# "有人告诉我的", "мне друг сказал"); "I told you, a human" is still the customer's own word.

_PERSON_WORD = re.compile(
    r"\b(?:humans?|persons?|people|agents?|operators?|reps?|representatives?|someone|somebody"
    r"|anyone|anybody|managers?|supervisors?|boss|staff|employees?|support|customer\s+care"
    r"|customer\s+service|team|escalat\w*|(?:ro)?bots?|call\s+me|contact\s+me)\b"
    r"|(?<![家本件])人(?!工智能|资料|信息)|客服|经理|主管|领导|负责人|上级|专员|坐席|升级|回电|打电话"
    r"|(?<!\w)(?:оператор|человек|люд|сотрудник|менеджер|специалист|консультант|руководител"
    r"|руководств|начальств|поддержк|кто|эскалир|позвон|перезвон)"
    r"|(?<!\w)(?:ро)?бот(?:а|у|ом|е|ы|ов|ами)?(?!\w)",
    re.IGNORECASE,
)
_REPORTED_SPEECH = re.compile(
    r"\b(?<!\bi\s)(?:told|said|says|tells|suggested|recommended|advised|asked\s+(?:me|us))\b"
    r"|告诉(?:我|我们)|说的|说过|说可以|(?:让|叫)我(?:来|去|这么|这样|的|\W|$)"
    r"|(?<!\w)(?<!я\s)(?:сказал|говорил|попросил|посоветовал|велел|рассказал)\w*",
    re.IGNORECASE,
)


def names_person(text: str) -> bool:
    """Whether ``text`` names a person, the bot or an escalation other than in reported speech:
    what the classifier's ``human_request`` needs to be believed (en, zh, ru)."""
    return bool(_PERSON_WORD.search(text)) and not _REPORTED_SPEECH.search(text)
