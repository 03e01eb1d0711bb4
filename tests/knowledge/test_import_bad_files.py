"""Importing broken files: each is reported as a failed item, never a 500 nor garbage."""

from __future__ import annotations

from typing import Any

import httpx

from deskpilot.knowledge import endpoints
from tests.factories import Tenant


async def _upload(
    client: httpx.AsyncClient, tenant: Tenant, files: list[tuple[str, bytes]], **form: str
) -> httpx.Response:
    return await client.post(
        "/api/v1/kb/import",
        files=[("files", (name, data)) for name, data in files],
        data=form,
        headers=tenant.headers,
    )


async def _titles(client: httpx.AsyncClient, tenant: Tenant) -> list[str]:
    response = await client.get("/api/v1/kb/articles", headers=tenant.headers)
    return sorted(a["title"] for a in response.json()["items"])


def _errors(body: dict[str, Any]) -> dict[str, str]:
    return {i["external_id"]: i["error"] for i in body["items"] if i["outcome"] == "failed"}


async def test_binary_badly_encoded_and_empty_files_fail_one_by_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    files = [
        ("good.md", b"# Gift cards\n\nThey never expire.\n"),
        ("binary.md", bytes(range(256)) * 4),
        ("latin1.md", "# Caf\xe9\n\nAu lait.".encode("latin-1")),
        ("empty.md", b""),
        ("title-only.md", b"# Just a title\n"),
        ("empty.csv", b""),
        ("header-only.csv", b"question,answer\n"),
        ("empty.jsonl", b"\n\n"),
        ("nul.md", b"# Image\n\nPNG\x00\x00\x00"),
        ("utf16.csv", "question,answer\nWhat is it?,A test.\n".encode("utf-16")),
    ]

    response = await _upload(client, tenant, files)

    assert response.status_code == 200, response.text
    body = response.json()
    errors = _errors(body)
    assert set(errors) == {
        "binary.md",
        "nul.md",
        "latin1.md",
        "empty.md",
        "title-only.md",
        "empty.csv",
        "header-only.csv",
        "empty.jsonl",
    }
    assert "UTF-8" in errors["binary.md"]
    assert "binary" in errors["nul.md"]
    assert "UTF-8" in errors["latin1.md"]
    assert "empty" in errors["empty.csv"]
    assert (body["created"], body["failed"]) == (2, 8)
    assert await _titles(client, tenant) == ["Gift cards", "What is it?"]


async def test_json_nested_too_deeply_and_csv_fields_too_large_are_reported(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    deep = b"[" * 100_000
    huge_field = b'question,answer\nbig,"' + b"x" * 17_000_000 + b'"\n'
    files = [("deep.json", deep), ("deep.jsonl", deep + b"\n"), ("huge.csv", huge_field)]

    response = await _upload(client, tenant, files)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["failed"] == 3
    assert body["created"] == 0
    assert await _titles(client, tenant) == []


async def test_rows_that_repeat_a_question_do_not_overwrite_each_other(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csv = b"question,answer\nHow long is shipping?,Two days.\nHow long is shipping?,Three days.\n"

    first = await _upload(client, tenant, [("faq.csv", csv)])
    again = await _upload(client, tenant, [("faq.csv", csv)])

    assert (first.json()["created"], first.json()["failed"]) == (1, 1)
    assert "repeats" in first.json()["items"][1]["error"]
    # importing the same file again changes nothing (before, it flipped between the answers)
    assert (again.json()["unchanged"], again.json()["updated"]) == (1, 0)
    article_id = first.json()["items"][0]["article_id"]
    article = await client.get(f"/api/v1/kb/articles/{article_id}", headers=tenant.headers)
    assert article.json()["body"] == "Two days."
    assert article.json()["current_version"] == 1


async def test_rows_whose_question_or_answer_is_not_text_fail(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    rows = (
        b'[{"question": {"a": 1}, "answer": "x"}, {"question": "Q", "answer": [1]},'
        b' {"question": "Multi\\nline  question", "answer": 42, "tags": ["", "ok", null]}]'
    )

    response = await _upload(client, tenant, [("faq.json", rows)])

    body = response.json()
    assert (body["created"], body["failed"]) == (1, 2)
    assert await _titles(client, tenant) == ["Multi line question"]
    created = next(i for i in body["items"] if i["outcome"] == "created")
    article = await client.get(
        f"/api/v1/kb/articles/{created['article_id']}", headers=tenant.headers
    )
    assert article.json()["body"] == "42"
    assert article.json()["tags"] == ["ok"]


async def test_a_bad_language_is_one_field_error_before_anything_is_written(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await _upload(client, tenant, [("a.md", b"# A\n\nText.")], language="not a tag")

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.language"
    assert await _titles(client, tenant) == []


async def test_an_import_request_with_too_many_articles_is_refused_whole(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    rows = "\n".join(f"Question {i}?,Answer {i}." for i in range(endpoints.MAX_IMPORT_ITEMS + 1))
    csv = ("question,answer\n" + rows + "\n").encode()

    response = await _upload(client, tenant, [("many.csv", csv)])

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "body.files"
    assert await _titles(client, tenant) == []
