# ruff: noqa: RUF001 - Russian text, as customers write it
"""A message that asks something without a question mark: colloquial Russian question words
("скока", "чем отличается") count. A tester's "чем отличается доставка до подъезда от заноса
в квартиру, и скока стоит" was read as a request, and the bot asked who they were."""

from __future__ import annotations

import pytest

from deskpilot.ai.actions.answers import asks_something
from deskpilot.ai.requests import asks_in_general


@pytest.mark.parametrize(
    "text",
    [
        "чем отличается доставка до подъезда от заноса в квартиру, и скока стоит",
        "какие есть способы оплаты",
        "кто привезёт заказ",
        "куда приходит трек-номер",
        "how long does shipping take",
    ],
)
def test_a_question_without_its_mark(text: str) -> None:
    assert asks_something(text)


@pytest.mark.parametrize("text", ["отмените заказ", "верните деньги", "cancel it please"])
def test_a_request_asks_nothing(text: str) -> None:
    assert not asks_something(text)


@pytest.mark.parametrize(
    "text",
    [
        "want to return a rug but i folded it... is that ok?",
        "хочу вернуть ковер, но я его сложила, примут?",
        "will you still accept it if the box is opened?",
    ],
)
def test_whether_policy_allows_something_is_asked_in_general(text: str) -> None:
    """Knowledge is tried first for such a question, before the action flow asks who they are."""
    assert asks_in_general(text)


def test_a_plain_request_is_not_asked_in_general() -> None:
    assert not asks_in_general("return my rug please")
