# ruff: noqa: RUF001, RUF002 - Chinese text and full-width punctuation, as articles write them
"""A line wrapped in an article's Markdown source (a soft break) is no word break in Chinese: a
tester's answers read "会籍在下个月 月底结束" and "同城所有门店， 尊享卡" (``kit.markdown_text``,
which the bot's answers and the help center's snippets quote)."""

from __future__ import annotations

import pytest

from deskpilot.ai.replies.compose import Passage, compose_extractive
from deskpilot.kit.markdown_text import plain_text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("会籍在下个月\n月底结束。", "会籍在下个月月底结束。"),
        ("同城所有门店，\n尊享卡可在全国门店使用。", "同城所有门店，尊享卡可在全国门店使用。"),
        ("服务抵扣，\n最高 50%。", "服务抵扣，最高 50%。"),
        ("会籍在下个月 \n月底结束。", "会籍在下个月月底结束。"),  # a space before the wrap
        ("冻结期间\n**不能**入场。", "冻结期间不能入场。"),  # emphasis after the wrap
        ("可以用\nAPI，\nWebhook 也行。", "可以用 API，Webhook 也行。"),  # Latin beside Han
        ("- 第一行\n  第二行", "第一行第二行。"),
        ("申请须在\n（下次扣款前）提交。", "申请须在（下次扣款前）提交。"),
        ("予約は\nアプリで。", "予約はアプリで。"),
    ],
)
def test_a_wrapped_line_joins_chinese_without_a_space(markdown: str, text: str) -> None:
    assert plain_text(markdown) == text


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("PulseFit has three\nmembership plans.", "PulseFit has three membership plans."),
        ("Notice period is **one\nmonth**.", "Notice period is one month."),
        ("Уведомление за\nодин месяц.", "Уведомление за один месяц."),
        ("최소 계약은\n12개월입니다.", "최소 계약은 12개월입니다."),  # Korean writes spaces
        ("每月\n60 次", "每月 60 次"),
    ],
)
def test_a_wrapped_line_keeps_its_space_in_other_text(markdown: str, text: str) -> None:
    assert plain_text(markdown) == text


def test_a_chinese_answer_quotes_a_wrapped_sentence_whole() -> None:
    body = (
        "会籍冻结每年最多 3 个月。冻结申请须在下次扣款日前 7 天提交，\n否则会籍在下个月\n月底结束。"
    )
    passage = Passage("art_1", 1, "冻结会籍", body, "zh")

    answer = compose_extractive("冻结申请什么时候提交", passage, "zh").text

    assert "提交，否则会籍在下个月月底结束。" in answer, answer
