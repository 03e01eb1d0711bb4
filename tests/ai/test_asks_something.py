"""A message that asks something without a question mark: colloquial Russian question words
("скока", "чем отличается") count. A tester's "чем отличается доставка до подъезда от заноса
в квартиру, и скока стоит" was read as a request, and the bot asked who they were."""

from __future__ import annotations

import pytest

from deskpilot.ai.actions.answers import asks_something


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
