# ruff: noqa: RUF001, RUF002 - Chinese and Russian text and punctuation, as visitors read them
"""The help center's words in English, Chinese and Russian (other languages get English).

Only the interface is translated here: titles, the search box, the built-in categories' names,
the feedback form, dates, the language switcher, the 404 page, the page for an address that is
not valid (400) and the one for a vote the form never sends (422). Articles and the categories
a workspace names itself are shown as written.
"""

from __future__ import annotations

from datetime import date

from deskpilot.kit import languages
from deskpilot.knowledge.service import BUILT_IN_CATEGORIES

LANGUAGES = ("en", "zh", "ru")
DEFAULT = "en"

# Each language's own name, as the language switcher shows it: a reader finds their language
# whatever the page's language is (the link's title gives the name in the page's language).
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "ru": "Русский"}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Help center",
        "heading": "{name} help center",
        "languages": "Languages",
        "language.en": "English",
        "language.zh": "Chinese",
        "language.ru": "Russian",
        "search.label": "Search",
        "search.button": "Search",
        "pages": "Pages",
        "page.previous": "← Previous",
        "page.next": "Next →",
        "categories": "Categories",
        "all": "All",
        "results": "Results for “{query}”",
        "no_results": "Nothing found. Try other words, or browse the articles below.",
        "no_articles": "No articles yet.",
        "updated": "Updated {date}",
        "date": "{month} {day}, {year}",
        "helpful": "Was this article helpful?",
        "yes": "Yes",
        "no": "No",
        "comment": "Anything we should add or fix? (optional)",
        "send": "Send",
        "thanks": "Thank you for your feedback.",
        "not_found.title": "Not found",
        "not_found.heading": "This page does not exist",
        "not_found.body": (
            "The article may have been moved or withdrawn. Check the address, or go back to the "
            "help center you came from."
        ),
        "bad_request.title": "Invalid address",
        "bad_request.heading": "This address is not valid",
        "bad_request.lang": "The language in the address is not a language code such as en or zh.",
        "bad_request.q": "The search is too long: use at most {limit} characters.",
        "bad_vote.title": "Vote not sent",
        "bad_vote.heading": "Your vote could not be read",
        "bad_vote.form": "Choose Yes or No on the article page and send the form again.",
        "bad_vote.comment": "The comment is too long: use at most {limit} characters.",
        "bad_vote.too_many": "Too many votes from your address: try again in a few minutes.",
        "category.product-information": "Product information",
        "category.faq": "FAQ",
        "category.cases": "Cases",
        "category.policies": "Policies",
        "category.technical-documentation": "Technical documentation",
        "category.news": "News",
    },
    "zh": {
        "title": "帮助中心",
        "heading": "{name} 帮助中心",
        "languages": "语言",
        "language.en": "英语",
        "language.zh": "中文",
        "language.ru": "俄语",
        "search.label": "搜索",
        "search.button": "搜索",
        "pages": "分页",
        "page.previous": "← 上一页",
        "page.next": "下一页 →",
        "categories": "分类",
        "all": "全部",
        "results": "“{query}”的搜索结果",
        "no_results": "未找到相关内容。请换个说法试试，或浏览下方的文章。",
        "no_articles": "暂无文章。",
        "updated": "更新于 {date}",
        "date": "{year}年{month_number}月{day}日",
        "helpful": "这篇文章对您有帮助吗？",
        "yes": "是",
        "no": "否",
        "comment": "有什么需要补充或更正的吗？（可选）",
        "send": "提交",
        "thanks": "感谢您的反馈。",
        "not_found.title": "页面不存在",
        "not_found.heading": "此页面不存在",
        "not_found.body": "文章可能已被移动或撤下。请检查网址，或返回您之前所在的帮助中心。",
        "bad_request.title": "网址无效",
        "bad_request.heading": "此网址无效",
        "bad_request.lang": "网址中的语言不是有效的语言代码（例如 en 或 zh）。",
        "bad_request.q": "搜索内容太长：最多 {limit} 个字符。",
        "bad_vote.title": "反馈未提交",
        "bad_vote.heading": "无法读取您的反馈",
        "bad_vote.form": "请在文章页面选择“是”或“否”，然后重新提交。",
        "bad_vote.comment": "意见内容太长：最多 {limit} 个字符。",
        "bad_vote.too_many": "您的网络地址提交的反馈太多，请几分钟后再试。",
        "category.product-information": "产品信息",
        "category.faq": "常见问题",
        "category.cases": "案例",
        "category.policies": "政策",
        "category.technical-documentation": "技术文档",
        "category.news": "新闻",
    },
    "ru": {
        "title": "Справочный центр",
        "heading": "Справочный центр {name}",
        "languages": "Языки",
        "language.en": "Английский",
        "language.zh": "Китайский",
        "language.ru": "Русский",
        "search.label": "Поиск",
        "search.button": "Найти",
        "pages": "Страницы",
        "page.previous": "← Назад",
        "page.next": "Далее →",
        "categories": "Разделы",
        "all": "Все",
        "results": "Результаты по запросу «{query}»",
        "no_results": "Ничего не найдено. Попробуйте другие слова или посмотрите статьи ниже.",
        "no_articles": "Статей пока нет.",
        "updated": "Обновлено {date}",
        "date": "{day} {month} {year} г.",
        "helpful": "Эта статья была полезной?",
        "yes": "Да",
        "no": "Нет",
        "comment": "Что нам стоит добавить или исправить? (необязательно)",
        "send": "Отправить",
        "thanks": "Спасибо за отзыв.",
        "not_found.title": "Страница не найдена",
        "not_found.heading": "Такой страницы нет",
        "not_found.body": (
            "Возможно, статью перенесли или сняли с публикации. Проверьте адрес или вернитесь "
            "в справочный центр, из которого вы пришли."
        ),
        "bad_request.title": "Неверный адрес",
        "bad_request.heading": "Этот адрес неверен",
        "bad_request.lang": "Язык в адресе не является кодом языка, например en или zh.",
        "bad_request.q": "Слишком длинный поисковый запрос: не больше {limit} символов.",
        "bad_vote.title": "Отзыв не отправлен",
        "bad_vote.heading": "Не удалось прочитать ваш отзыв",
        "bad_vote.form": "Выберите «Да» или «Нет» на странице статьи и отправьте форму ещё раз.",
        "bad_vote.comment": "Слишком длинный комментарий: не больше {limit} символов.",
        "bad_vote.too_many": (
            "Слишком много отзывов с вашего адреса: попробуйте через несколько минут."
        ),
        "category.product-information": "Информация о товарах",
        "category.faq": "Частые вопросы",
        "category.cases": "Кейсы",
        "category.policies": "Правила",
        "category.technical-documentation": "Техническая документация",
        "category.news": "Новости",
    },
}

# Month names as a date uses them (Russian: the genitive, "23 ноября"); Chinese uses numbers.
_MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "ru": (
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ),
}


def interface_language(language: str | None) -> str:
    """The language the interface speaks on a page in ``language`` (``zh-CN`` -> ``zh``);
    English for a language without translations."""
    return languages.supported(language, LANGUAGES) or DEFAULT


def pick_language(requested: str | None, accept_language: str | None) -> str:
    """For a page that has no language of its own (the 404): ``?lang=``, then the browser's
    Accept-Language choices; English otherwise."""
    return languages.pick_language(requested, accept_language, LANGUAGES)


def category_name(slug: str, name: str, language: str) -> str:
    """A built-in category's name in ``language`` while the workspace keeps the name it was
    created with; any other category's name as the workspace wrote it."""
    if BUILT_IN_CATEGORIES.get(slug) != name:
        return name
    return TEXTS[interface_language(language)].get(f"category.{slug}", name)


def format_date(day: date, language: str) -> str:
    """``day`` as a reader of ``language`` writes it: November 23, 2026 / 2026年11月23日 /
    23 ноября 2026 г."""
    ui = interface_language(language)
    months = _MONTHS.get(ui, _MONTHS[DEFAULT])
    return TEXTS[ui]["date"].format(
        year=day.year, month=months[day.month - 1], month_number=day.month, day=day.day
    )
