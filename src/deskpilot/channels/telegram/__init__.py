"""Telegram: a bot receives customer messages by webhook and answers through the Bot API."""
