# ruff: noqa: RUF001 - Chinese and Russian text
"""The inbox and the conversation pages."""

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "inbox.title": "Inbox",
        "inbox.empty": "No open conversations.",
        "inbox.subject": "Conversation",
        "inbox.status": "Status",
        "inbox.handled_by": "Handled by",
        "inbox.last_activity": "Last activity",
        "inbox.no_subject": "(no subject)",
    },
    "zh": {
        "inbox.title": "收件箱",
        "inbox.empty": "没有进行中的对话。",
        "inbox.subject": "对话",
        "inbox.status": "状态",
        "inbox.handled_by": "处理方",
        "inbox.last_activity": "最近活动",
        "inbox.no_subject": "（无主题）",
    },
    "ru": {
        "inbox.title": "Входящие",
        "inbox.empty": "Открытых разговоров нет.",
        "inbox.subject": "Разговор",
        "inbox.status": "Статус",
        "inbox.handled_by": "Ведёт",
        "inbox.last_activity": "Последняя активность",
        "inbox.no_subject": "(без темы)",
    },
}
