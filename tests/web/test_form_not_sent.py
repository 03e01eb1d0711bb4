"""A console form the browser sent itself (its page's script had not run) gets a page that
says nothing was saved, in the browser's language; API clients keep the JSON 405."""

from __future__ import annotations

import httpx
import pytest

BROWSER_FORM = {
    "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "content-type": "application/x-www-form-urlencoded",
}


async def test_a_browser_form_post_to_a_page_gets_a_page(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/settings/team", content=b"name=Mei&password=secret", headers=BROWSER_FORM
    )

    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    assert "GET" in response.headers["allow"]
    assert "<h1>The form was not sent</h1>" in response.text
    assert "nothing was saved" in response.text
    assert '<a href="/settings/team">Back</a>' in response.text
    assert "secret" not in response.text


async def test_the_page_speaks_the_browsers_language(client: httpx.AsyncClient) -> None:
    headers = BROWSER_FORM | {"accept-language": "ru-RU,ru;q=0.9,en;q=0.5"}
    response = await client.post("/inbox", content=b"q=1", headers=headers)

    assert response.status_code == 405
    assert '<html lang="ru">' in response.text
    assert "Форма не отправлена" in response.text


async def test_the_address_is_escaped_in_the_back_link(client: httpx.AsyncClient) -> None:
    response = await client.post('/customers/"><script>x<', content=b"a=1", headers=BROWSER_FORM)

    assert response.status_code == 405
    assert "The form was not sent" in response.text
    assert "<script>" not in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"content-type": "application/json", "accept": "application/json"},
        {"content-type": "application/x-www-form-urlencoded", "accept": "*/*"},  # curl
        {"content-type": "application/json", "accept": "text/html"},  # a script's fetch
    ],
)
async def test_anything_else_keeps_the_json_error(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post("/settings/team", content=b"{}", headers=headers)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]
