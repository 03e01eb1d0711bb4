# ruff: noqa: RUF001 - Chinese and Russian text and punctuation, as customers write them
"""Language detection among a workspace's enabled languages."""

from __future__ import annotations

import pytest

from deskpilot.kit import language
from deskpilot.kit.errors import InvalidInput
from deskpilot.kit.language import LanguageGuess, detect_language, detector_for

ENABLED = ("en", "zh", "ru")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Where is my order? It has not arrived yet.", "en"),
        ("thanks", "en"),
        ("我的订单到哪里了？", "zh"),
        ("谢谢", "zh"),
        ("Где мой заказ? Он до сих пор не пришёл.", "ru"),
        ("спасибо", "ru"),
        ("我的 order 还没到，已经等了三天了", "zh"),
        ("Hi, мой заказ #W1234567 так и не доставили, помогите пожалуйста", "ru"),
    ],
)
def test_detects_enabled_languages(text: str, expected: str) -> None:
    guess = detect_language(text, ENABLED)
    assert guess.code == expected
    assert 0.5 <= guess.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "12345", "😀😀👍", "?!", "a", "#W1234567 100$"])
def test_nothing_to_go_on_falls_back_to_the_default(text: str) -> None:
    assert detect_language(text, ENABLED, default="zh") == LanguageGuess("zh", 0.0)
    assert detect_language(text, ENABLED) == LanguageGuess(None, 0.0)


def test_only_enabled_languages_are_candidates() -> None:
    french = "Bonjour, où est ma commande ? Je l'attends depuis une semaine."
    assert detect_language(french, ("en", "fr", "de")).code == "fr"
    assert detect_language(french, ("zh", "ru"), default="ru") == LanguageGuess("ru", 0.0)


def test_any_iso_code_lingua_knows_and_case_is_ignored() -> None:
    assert detect_language(
        "Wo ist meine Bestellung? Sie ist noch nicht da.", ["EN", "De"]
    ).code == ("de")
    assert "ja" in language.supported_codes()
    assert "uk" in language.supported_codes()


def test_a_single_enabled_language_is_checked_by_script() -> None:
    assert detect_language("где мой заказ", ["ru"]).code == "ru"
    assert detect_language("where is my order", ["ru"], default="ru") == LanguageGuess("ru", 0.0)


def test_unknown_codes_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        detect_language("hello", ["en", "xx"])
    assert caught.value.fields[0].field == "languages"


def test_no_enabled_languages_gives_the_default() -> None:
    assert detect_language("hello there", [], default="en") == LanguageGuess("en", 0.0)


def test_detectors_are_cached_per_language_set() -> None:
    detect_language("hello there friend", ["en", "ru"])
    detect_language("привет, друг", ["ru", "en"])
    assert detector_for(frozenset({"en", "ru"})) is detector_for(frozenset({"ru", "en"}))
    assert detector_for(frozenset({"en", "ru"})) is not detector_for(frozenset({"en", "zh"}))


@pytest.mark.parametrize(("text", "previous", "guess", "stays"), [
    # a name in Latin letters does not turn a Russian or Chinese message into English
    ("Меня зовут Isabella Santos, индекс 10020", "ru", "en", True),
    ("我叫 Isabella Santos，邮编 10020", "zh", "en", True),
    # a message in another script is a switch
    ("Hello, where is my order?", "ru", "en", False),
    ("Где мой заказ?", "en", "ru", False),
    ("isabella.santos@example.com", "ru", "en", False),
    # two languages of one script: the detector's call
    ("Bonjour, où est ma commande ?", "en", "fr", False),
    # a code the detector does not know is no reason to fail a message
    ("Меня зовут Isabella", "pt-BR", "en", False),
])  # fmt: skip
def test_a_conversation_keeps_its_language_when_its_script_is_there(
    text: str, previous: str, guess: str, stays: bool
) -> None:
    assert language.speaks_on_in(text, previous, guess) is stays


def test_one_latin_word_in_a_russian_or_chinese_message_keeps_its_language() -> None:
    """A review saw "мой email …" answered in English: lingua gives "email" more letters."""
    assert detect_language("мой email", ["en", "zh", "ru"]).code == "ru"
    assert detect_language("我的email是", ["en", "zh", "ru"]).code == "zh"
    assert detect_language("Hello, I ordered a самовар", ["en", "zh", "ru"]).code == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lumio Plus多少钱一个月", "zh"),
        ("Lumio Hub 怎么连接 Wi-Fi", "zh"),
        ("как сбросить Lumio Buds до заводских", "ru"),
        ("Мой заказ AirPods Pro Max не пришёл", "ru"),
        ("Hello, I ordered a самовар", "en"),
        ("I bought 茶叶 and it is great, thanks", "en"),
        # shouted words are words, not names
        ("I WANT MY MONEY BACK FOR THE 耳机", "en"),
        ("THIS IS UNACCEPTABLE, WHERE IS MY самовар", "en"),
    ],
)
def test_product_names_in_latin_letters_do_not_make_a_message_english(
    text: str, expected: str
) -> None:
    """Capitalised names ("Lumio Plus", "AirPods") say nothing of the language around them;
    Latin words that make the sentence do."""
    assert detect_language(text, ENABLED).code == expected
