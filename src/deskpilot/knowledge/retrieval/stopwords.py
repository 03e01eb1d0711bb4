# ruff: noqa: RUF001 - Russian and Chinese words, as written
"""Function words left out of lexical queries (never out of the index).

They occur in most passages, so they add almost nothing to a ranking but cost the most to look
up (the longest posting lists). A query made only of such words keeps them.

A word is compared as written (lower-cased, yo read as ye; Chinese as segmented), before it is
stemmed: the lists used to be stemmed and compared with stems, and a stem is shared by
unrelated words, so ``почти`` (almost) dropped ``почта / почту`` (email) from every query,
``хоть`` dropped ``хотите``, ``тем`` dropped ``тема``, ``own`` dropped ``owned``. The forms a
function word takes are therefore listed one by one.
"""

from __future__ import annotations

from functools import cache

from deskpilot.knowledge.retrieval.tokenize import words

_ENGLISH = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is
it its itself just me more most my myself no nor not now of off on once only or other our
ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself
yourselves also am may might must shall s d ll m re ve
"""
_RUSSIAN = """
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее
её мне было вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже или ни
быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где
есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж
тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее
неё сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над
больше тот через эти нас про всего них какая много разве три эту моя впрочем свою этой
перед иногда лучше чуть том нельзя такой им более всегда конечно всю между это
мою мои моего моей моем моём моих моим моими моему мое моё мной ваш ваша ваше ваши вашу вашего
вашей вашем ваших вашим наш наша наше наши нашу нашего нашей нашем наших нашим свой своя свое
своё свои своего своей своем своих своим эта этим этих этому такая такое такие такого какое
какие какую какого каких который которая которое которые которого которой которую которых
весь вся всё всем оно нему ними ими нам нами вами тебе тобой собой
"""
_CHINESE = """
的 了 是 在 和 有 我 你 他 她 它 们 我们 你们 他们 这 那 这个 那个 就 也 都 而 及 与 或 一个
吗 呢 吧 啊 着 把 被 让 给 对 从 到 为 以 之 于 上 下 中 很 还 又 再 可以 会 能 要 没有 不
没 请 什么 怎么 怎样 如何 哪 哪里 哪些 多少 为什么 请问 一下
"""


@cache
def stopwords() -> frozenset[str]:
    """The function words as ``tokenize.words`` writes a word before stemming it."""
    return frozenset(written for written, _ in words(" ".join((_ENGLISH, _RUSSIAN, _CHINESE))))


def content_tokens(text: str, *, for_query: bool = False) -> list[str]:
    """The tokens (segmented, stemmed) of the text's words that are not function words, in
    order (``for_query``: see ``tokenize.words``)."""
    common = stopwords()
    return [token for written, token in words(text, for_query=for_query) if written not in common]


def content_words(text: str) -> set[str]:
    """The text's tokens (segmented, stemmed) that are not function words."""
    return set(content_tokens(text))


def words_in_common(text: str, other: str) -> set[str]:
    """The content words ``text`` shares with ``other``."""
    return content_words(text) & content_words(other)
