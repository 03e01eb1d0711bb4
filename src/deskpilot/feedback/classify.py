# ruff: noqa: RUF001 - Chinese and Russian examples, as visitors write them
"""What a piece of feedback is: its category (a small prototype classifier), and the ticket
type and labels that follow from it and from the AI's understanding (language, sentiment,
intent).

The category classifier compares the text with example sentences of each category in en, zh
and ru: with the configured embedder, by cosine similarity (the mean of the ``TOP`` closest
examples of each category); with embeddings off (``DESKPILOT_EMBEDDINGS=none``), by keyword
patterns per category. A text that matches no keyword is ``other``. Pure functions: callers
run them in a thread (embedding is CPU work).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Literal

import numpy as np

from deskpilot.ai.understanding.annotate import Understanding
from deskpilot.knowledge.retrieval.embeddings import Embedder, Matrix
from deskpilot.models import TicketType

Category = Literal["product_content", "platform_use", "complaint", "suggestion", "other"]
CATEGORIES: tuple[Category, ...] = (
    "product_content",
    "platform_use",
    "complaint",
    "suggestion",
    "other",
)
TOP = 3

EXAMPLES: dict[Category, tuple[str, ...]] = {
    "product_content": (
        "The product description is wrong",
        "The article on your site has outdated information",
        "The size chart does not match the item I received",
        "The photos on the product page do not show the real colour",
        "There is a typo in the product information",
        "商品描述有误",
        "你们网站上的文章内容已经过时了",
        "尺码表和实物不符",
        "商品图片和实物颜色不一样",
        "Описание товара неверное",
        "В статье на сайте устаревшая информация",
        "Таблица размеров не соответствует товару",
        "Фото на странице товара не совпадают с реальным цветом",
    ),
    "platform_use": (
        "How do I reset my password?",
        "I can't log in to my account",
        "The website is slow and the checkout page does not load",
        "Where can I find my invoices in the app?",
        "The app crashes when I upload a photo",
        "怎么重置密码？",
        "我无法登录我的账户",
        "网站很慢，结账页面一直加载不出来",
        "在应用里哪里可以找到发票？",
        "Как сбросить пароль?",
        "Не могу войти в аккаунт",
        "Сайт медленно работает, страница оплаты не загружается",
        "Где в приложении найти мои счета?",
    ),
    "complaint": (
        "I am very unhappy with your service",
        "This is unacceptable, I want to file a complaint",
        "Your support ignored me for a week",
        "Terrible experience, I am really disappointed",
        "我对你们的服务非常不满意",
        "太差劲了，我要投诉",
        "客服一个星期都不理我，太让人失望了",
        "Я очень недоволен вашим сервисом",
        "Это безобразие, хочу подать жалобу",
        "Поддержка игнорирует меня уже неделю, я разочарован",
    ),
    "suggestion": (
        "It would be great if you added a dark mode",
        "Please add more payment options",
        "I suggest offering gift wrapping",
        "An idea: let customers save items to a wish list",
        "建议增加夜间模式",
        "希望能支持更多支付方式",
        "如果能提供礼品包装就好了",
        "Было бы здорово добавить тёмную тему",
        "Предлагаю добавить больше способов оплаты",
        "Хорошо бы сделать подарочную упаковку",
    ),
    "other": (
        "Just wanted to say thank you, great job",
        "Keep up the good work",
        "谢谢你们，做得很好",
        "继续加油",
        "Спасибо, всё отлично",
        "Так держать",
    ),
}

KEYWORDS: dict[Category, re.Pattern[str]] = {
    "complaint": re.compile(
        r"\b(unhappy|disappoint\w*|terrible|awful|unacceptable|complain\w*|worst|angry|rude"
        r"|ignored|horrible|scam)\b"
        r"|不满|投诉|太差|差劲|失望|生气|垃圾|态度恶劣|不理"
        r"|недовол\w*|жалоб\w*|ужасн\w*|безобраз\w*|разочарова\w*|отвратител\w*|хамств\w*"
        r"|игнориру\w*|возмутител\w*",
        re.IGNORECASE,
    ),
    "suggestion": re.compile(
        r"\b(suggest\w*|would be (great|nice|good|helpful)|please add|could you add|idea"
        r"|feature request|i wish|consider adding)\b"
        r"|建议|希望|如果能|能不能增加|可以增加|最好能"
        r"|предлага\w*|было бы (здорово|хорошо|удобно)|хорошо бы|добавьте|хотелось бы"
        r"|пожелани\w*|идея",
        re.IGNORECASE,
    ),
    "platform_use": re.compile(
        r"\b(log ?in|sign ?in|password|account|website|app|page|checkout|button|loads?"
        r"|crash\w*|error|bug|upload|settings|notifications?)\b"
        r"|登录|密码|账户|账号|网站|页面|应用|结账|按钮|加载|闪退|报错|设置"
        r"|войти|вход\w*|парол\w*|аккаунт\w*|учётн\w*|учетн\w*|сайт\w*|страниц\w*"
        r"|приложени\w*|кнопк\w*|загружа\w*|ошибк\w*|вылета\w*|настройк\w*",
        re.IGNORECASE,
    ),
    "product_content": re.compile(
        r"\b(products?|items?|description|size|colou?r|material|quality|photos?|pictures?"
        r"|articles?|information|outdated|typo|stock|price)\b"
        r"|商品|产品|描述|尺码|颜色|材质|质量|图片|文章|信息|过时|错别字|价格|库存"
        r"|товар\w*|продукт\w*|описани\w*|размер\w*|цвет\w*|материал\w*|качеств\w*|фото\w*"
        r"|стать\w*|информаци\w*|устарел\w*|опечатк\w*|цен\w*|наличи\w*",
        re.IGNORECASE,
    ),
}
"""Checked in this order: on a tie the earlier category wins (a complaint about the site is a
complaint)."""

_QUESTION = re.compile(
    r"[?？]|^\s*(how|what|where|when|why|which|who|can|could|do|does|is|are|will)\b"
    r"|怎么|如何|为什么|哪里|什么|吗[。.!！]?\s*$|能不能|可以吗"
    r"|^\s*(как|что|где|когда|почему|зачем|какой|какая|какие|можно ли|сколько)\b",
    re.IGNORECASE | re.MULTILINE,
)
QUESTION_INTENTS = frozenset(
    {"product_question", "billing", "account", "order_status", "return_refund", "cancellation"}
)


@dataclass(frozen=True, slots=True)
class CategoryGuess:
    category: Category
    score: float  # cosine for embeddings, keyword hits otherwise; 0 for the visitor's pick
    method: Literal["visitor", "embeddings", "keywords"]


@dataclass(frozen=True, slots=True)
class Classification:
    language: str
    sentiment: float
    sentiment_label: str
    intent: str | None
    category: CategoryGuess
    type: TicketType
    is_question: bool
    labels: list[str]

    def explanation(self) -> str:
        """The private note agents read on the ticket."""
        how = {
            "visitor": "chosen by the visitor",
            "embeddings": f"closest examples, similarity {self.category.score:.2f}",
            "keywords": f"{self.category.score:.0f} keyword match(es)",
        }[self.category.method]
        return (
            "Feedback classified automatically. "
            f"Category: {self.category.category} ({how}). "
            f"Type: {self.type.value}. Language: {self.language}. "
            f"Sentiment: {self.sentiment_label} ({self.sentiment:+.2f}). "
            f"Intent: {self.intent or 'unclear'}. "
            f"Question: {'yes' if self.is_question else 'no'}."
        )


class _Prototypes:
    """The example sentences embedded once per embedder (they never change at run time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_embedder: dict[str, tuple[list[Category], Matrix]] = {}

    def of(self, embedder: Embedder) -> tuple[list[Category], Matrix]:
        with self._lock:
            found = self._by_embedder.get(embedder.name)
            if found is None:
                labels = [c for c in CATEGORIES for _ in EXAMPLES[c]]
                rows = np.vstack([embedder.query(t) for c in CATEGORIES for t in EXAMPLES[c]])
                found = (labels, rows.astype(np.float32))
                self._by_embedder[embedder.name] = found
            return found


_prototypes = _Prototypes()


def category_by_embeddings(text: str, embedder: Embedder) -> CategoryGuess:
    labels, rows = _prototypes.of(embedder)
    similarities = rows @ embedder.query(text)
    best: tuple[float, Category] = (-2.0, "other")
    for category in CATEGORIES:
        mine = sorted(
            (float(s) for s, label in zip(similarities, labels, strict=True) if label == category),
            reverse=True,
        )[:TOP]
        score = sum(mine) / len(mine)
        if score > best[0]:
            best = (score, category)
    return CategoryGuess(best[1], round(best[0], 4), "embeddings")


def category_by_keywords(text: str) -> CategoryGuess:
    best: tuple[int, Category] = (0, "other")
    for category, pattern in KEYWORDS.items():
        hits = len(pattern.findall(text))
        if hits > best[0]:
            best = (hits, category)
    return CategoryGuess(best[1], float(best[0]), "keywords")


def guess_category(text: str, embedder: Embedder | None) -> CategoryGuess:
    return category_by_embeddings(text, embedder) if embedder else category_by_keywords(text)


def is_question(text: str, intent: str | None) -> bool:
    """A question mark or question words; or an intent that asks for information."""
    return bool(_QUESTION.search(text)) or intent in QUESTION_INTENTS


def classify(
    text: str,
    understood: Understanding,
    chosen: Category | None,
    embedder: Embedder | None,
    *,
    negative_sentiment: float,
) -> Classification:
    """The category (the visitor's pick wins; else the classifier, and ``complaint`` when the
    sentiment is at or below ``negative_sentiment``), then the ticket type: complaint and
    suggestion by category, question when the text asks something, feedback otherwise."""
    if chosen is not None:
        guess = CategoryGuess(chosen, 0.0, "visitor")
    else:
        guess = guess_category(text, embedder)
        if understood.sentiment.score <= negative_sentiment and guess.category != "complaint":
            guess = CategoryGuess("complaint", guess.score, guess.method)
    asks = is_question(text, understood.intent)
    if guess.category == "complaint" or (chosen is None and understood.intent == "complaint"):
        ticket_type = TicketType.COMPLAINT
    elif guess.category == "suggestion":
        ticket_type = TicketType.SUGGESTION
    elif asks:
        ticket_type = TicketType.QUESTION
    else:
        ticket_type = TicketType.FEEDBACK
    labels = [f"sentiment:{understood.sentiment.label}", f"feedback:{guess.category}"]
    if understood.intent:
        labels.append(f"intent:{understood.intent}")
    return Classification(
        language=understood.language,
        sentiment=round(understood.sentiment.score, 3),
        sentiment_label=understood.sentiment.label,
        intent=understood.intent,
        category=guess,
        type=ticket_type,
        is_question=asks,
        labels=labels,
    )
