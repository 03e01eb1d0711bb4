# ruff: noqa: RUF001 - Chinese and Russian text
"""The member's own account page."""

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "account.title": "Your account",
        "account.password": "Change your password",
        "account.current": "Current password",
        "account.new": "New password",
        "account.repeat": "New password again",
        "account.save": "Change password",
        "account.changed": "Your password is changed. Your other sessions are signed out.",
        "account.too_short": "The new password needs at least {count} characters.",
        "account.mismatch": "The two new passwords differ.",
        "account.wrong_current": "The current password is not right.",
    },
    "zh": {
        "account.title": "我的账户",
        "account.password": "修改密码",
        "account.current": "当前密码",
        "account.new": "新密码",
        "account.repeat": "再次输入新密码",
        "account.save": "修改密码",
        "account.changed": "密码已修改，您的其他会话已退出登录。",
        "account.too_short": "新密码至少需要 {count} 个字符。",
        "account.mismatch": "两次输入的新密码不一致。",
        "account.wrong_current": "当前密码不正确。",
    },
    "ru": {
        "account.title": "Ваша учётная запись",
        "account.password": "Смена пароля",
        "account.current": "Текущий пароль",
        "account.new": "Новый пароль",
        "account.repeat": "Новый пароль ещё раз",
        "account.save": "Сменить пароль",
        "account.changed": "Пароль изменён. Остальные ваши сеансы завершены.",
        "account.too_short": "В новом пароле должно быть не меньше {count} символов.",
        "account.mismatch": "Новые пароли не совпадают.",
        "account.wrong_current": "Текущий пароль указан неверно.",
    },
}
