"""The widget's words in English, Chinese and Russian (sent with its config)."""

# Chinese and Russian punctuation and letters are the point here, not look-alikes.
# ruff: noqa: RUF001

from __future__ import annotations

from deskpilot.kit import languages

LANGUAGES = ("en", "zh", "ru")

DEFAULT_GREETINGS = {
    "en": "Hi! How can we help you today?",
    "zh": "您好！有什么可以帮您？",
    "ru": "Здравствуйте! Чем мы можем помочь?",
}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Chat with us",
        "open": "Open chat",
        "close": "Close chat",
        "placeholder": "Type a message…",
        "send": "Send",
        "attach": "Attach a file",
        "emoji": "Emoji",
        "human": "Talk to a person",
        "human_requested": "A person will join the conversation shortly.",
        "thinking": "Thinking…",
        "typing": "Typing…",
        "offline": "Reconnecting…",
        "rate_prompt": "How did we do?",
        "rate_thanks": "Thank you for your feedback!",
        "too_large": "This file is too large.",
        "bad_type": "This type of file cannot be sent.",
        "send_failed": "Not sent. Tap to retry.",
        "write_first": "Write your question first.",
    },
    "zh": {
        "title": "在线客服",
        "open": "打开聊天",
        "close": "关闭聊天",
        "placeholder": "输入消息…",
        "send": "发送",
        "attach": "添加附件",
        "emoji": "表情",
        "human": "转人工客服",
        "human_requested": "人工客服将很快加入对话。",
        "thinking": "正在思考…",
        "typing": "正在输入…",
        "offline": "正在重新连接…",
        "rate_prompt": "您对本次服务满意吗？",
        "rate_thanks": "感谢您的评价！",
        "too_large": "文件太大。",
        "bad_type": "不支持此类型的文件。",
        "send_failed": "发送失败，点击重试。",
        "write_first": "请先输入您的问题。",
    },
    "ru": {
        "title": "Чат с поддержкой",
        "open": "Открыть чат",
        "close": "Закрыть чат",
        "placeholder": "Напишите сообщение…",
        "send": "Отправить",
        "attach": "Прикрепить файл",
        "emoji": "Эмодзи",
        "human": "Позвать оператора",
        "human_requested": "Оператор скоро подключится к разговору.",
        "thinking": "Думаю…",
        "typing": "Печатает…",
        "offline": "Переподключение…",
        "rate_prompt": "Как мы справились?",
        "rate_thanks": "Спасибо за отзыв!",
        "too_large": "Файл слишком большой.",
        "bad_type": "Такой тип файла отправить нельзя.",
        "send_failed": "Не отправлено. Нажмите, чтобы повторить.",
        "write_first": "Сначала напишите ваш вопрос.",
    },
}


def pick_language(requested: str | None, accept_language: str | None) -> str:
    """``zh-CN`` → ``zh``; the first supported of the request's choices; English otherwise."""
    return languages.pick_language(requested, accept_language, LANGUAGES)
