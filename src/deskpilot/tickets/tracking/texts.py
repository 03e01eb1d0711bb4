# ruff: noqa: RUF001 - Chinese and Russian text and punctuation, as customers read them
"""What customers read (tracking page, survey, the messages with their links) in en, zh, ru."""

from __future__ import annotations

from deskpilot.kit import languages

LANGUAGES = ("en", "zh", "ru")
DEFAULT = "en"

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "status.new": "Received",
        "status.open": "In progress",
        "status.pending_customer": "Waiting for your reply",
        "status.on_hold": "On hold",
        "status.solved": "Solved",
        "status.closed": "Closed",
        "title": "Your request {reference}",
        "status": "Status",
        "expected": "We expect to answer by {when}.",
        "expected.resolution": "We expect to resolve it by {when}.",
        "usually": "We usually answer within one business day.",
        "updates": "Updates",
        "event.created": "Request received",
        "event.status": "Status changed to: {status}",
        "event.reopened": "Reopened",
        "event.rated": "Rated {score} of 5",
        "you": "You",
        "team": "Support team",
        "add.legend": "Add information",
        "add.button": "Send",
        "reopen.legend": "Not solved? Reopen your request",
        "reopen.button": "Reopen",
        "closed": "This request is closed. Please write to us again if you need more help.",
        "thanks": "Thank you, we have received it.",
        "not_found.title": "Not found",
        "not_found.body": "This link is not valid. Please check the link you received.",
        "message.created": (
            "We have received your request {reference}. "
            "You can follow it and add information here: {url}"
        ),
        "message.survey": (
            "Your request {reference} is solved. How did we do? Rate us here: {url}"
        ),
        "survey.title": "How did we do?",
        "survey.question": "How satisfied are you with the answer to {reference}?",
        "survey.comment": "Comment (optional)",
        "survey.button": "Send",
        "survey.thanks": "Thank you for your feedback.",
        "survey.answered": "This survey has already been answered. Thank you.",
    },
    "zh": {
        "status.new": "已收到",
        "status.open": "处理中",
        "status.pending_customer": "等待您的回复",
        "status.on_hold": "暂缓处理",
        "status.solved": "已解决",
        "status.closed": "已关闭",
        "title": "您的请求 {reference}",
        "status": "状态",
        "expected": "我们预计在 {when} 之前答复。",
        "expected.resolution": "我们预计在 {when} 之前解决。",
        "usually": "我们通常在一个工作日内答复。",
        "updates": "进展",
        "event.created": "已收到请求",
        "event.status": "状态变更为：{status}",
        "event.reopened": "已重新打开",
        "event.rated": "评分 {score}/5",
        "you": "您",
        "team": "客服团队",
        "add.legend": "补充信息",
        "add.button": "发送",
        "reopen.legend": "问题没有解决？重新打开请求",
        "reopen.button": "重新打开",
        "closed": "此请求已关闭。如需更多帮助，请重新联系我们。",
        "thanks": "谢谢，我们已收到。",
        "not_found.title": "未找到",
        "not_found.body": "此链接无效。请检查您收到的链接。",
        "message.created": "我们已收到您的请求 {reference}。您可以在这里查看进展并补充信息：{url}",
        "message.survey": "您的请求 {reference} 已解决。请为我们的服务评分：{url}",
        "survey.title": "您对我们的服务满意吗？",
        "survey.question": "您对 {reference} 的答复满意吗？",
        "survey.comment": "意见（可选）",
        "survey.button": "提交",
        "survey.thanks": "感谢您的反馈。",
        "survey.answered": "此调查已提交过，谢谢。",
    },
    "ru": {
        "status.new": "Получено",
        "status.open": "В работе",
        "status.pending_customer": "Ждём вашего ответа",
        "status.on_hold": "Отложено",
        "status.solved": "Решено",
        "status.closed": "Закрыто",
        "title": "Ваше обращение {reference}",
        "status": "Статус",
        "expected": "Мы ответим до {when}.",
        "expected.resolution": "Мы рассчитываем решить вопрос до {when}.",
        "usually": "Обычно мы отвечаем в течение одного рабочего дня.",
        "updates": "Обновления",
        "event.created": "Обращение получено",
        "event.status": "Статус изменён: {status}",
        "event.reopened": "Обращение открыто снова",
        "event.rated": "Оценка {score} из 5",
        "you": "Вы",
        "team": "Служба поддержки",
        "add.legend": "Добавить информацию",
        "add.button": "Отправить",
        "reopen.legend": "Вопрос не решён? Откройте обращение снова",
        "reopen.button": "Открыть снова",
        "closed": "Обращение закрыто. Если нужна помощь, напишите нам снова.",
        "thanks": "Спасибо, мы получили ваше сообщение.",
        "not_found.title": "Не найдено",
        "not_found.body": "Ссылка недействительна. Проверьте ссылку, которую вы получили.",
        "message.created": (
            "Мы получили ваше обращение {reference}. "
            "Следить за ним и добавить информацию можно здесь: {url}"
        ),
        "message.survey": "Ваше обращение {reference} решено. Оцените нашу работу: {url}",
        "survey.title": "Как мы справились?",
        "survey.question": "Насколько вы довольны ответом на {reference}?",
        "survey.comment": "Комментарий (необязательно)",
        "survey.button": "Отправить",
        "survey.thanks": "Спасибо за отзыв.",
        "survey.answered": "На этот опрос уже ответили. Спасибо.",
    },
}


def supported(language: str | None) -> str | None:
    """``zh-CN`` -> ``zh``; None when it is not a language these texts have."""
    return languages.supported(language, _TEXTS)


def choose(*candidates: str | None) -> str:
    """The first candidate these texts have, else English."""
    return languages.pick_language(None, None, _TEXTS, *candidates, default=DEFAULT)


def text(language: str, key: str, **values: object) -> str:
    template = _TEXTS.get(language, _TEXTS[DEFAULT]).get(key) or _TEXTS[DEFAULT][key]
    return template.format(**values) if values else template


def catalog(language: str) -> dict[str, str]:
    """Every text of a language (for templates)."""
    return _TEXTS[DEFAULT] | _TEXTS.get(language, {})
