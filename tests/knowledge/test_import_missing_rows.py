"""Importing a CSV, JSON or JSONL FAQ again names the articles of its earlier rows that the file
no longer holds (a reworded or dropped question), so that they can be archived."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.factories import Tenant
from tests.knowledge.test_import_formats import _upload
from tests.test_cli import Deskpilot

FIRST = (
    "question;answer\n"
    "Do you have a physical store?;No, we are online only.\n"
    "Can I pick up my order?;Sorry, we do not offer pickup.\n"
    "How long does assembly take?;About ten minutes.\n"
    "Do you gift wrap?;Yes, for 5 dollars.\n"
)
SECOND = (
    "question;answer\n"
    "Do you have a physical store?;No, we are online only.\n"
    "Can I pick up my order myself?;Yes, at our Columbus warehouse.\n"
    "Do you gift wrap?;Yes, for 5 dollars.\n"
)


async def test_rows_no_longer_in_the_file_are_named_with_their_articles(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    first = await _upload(client, tenant, [("faq/store.csv", FIRST.encode())], publish="true")
    ids = {i["external_id"]: i["article_id"] for i in first["items"]}
    gift = ids["faq/store.csv#Do you gift wrap?"]
    assert (
        await client.post(f"/api/v1/kb/articles/{gift}/archive", headers=tenant.headers)
    ).is_success

    second = await _upload(client, tenant, [("faq/store.csv", SECOND.encode())], publish="true")

    counts = (second["created"], second["updated"], second["unchanged"], second["failed"])
    assert counts == (1, 0, 2, 0), second
    left = [i for i in second["items"] if i["outcome"] == "not_in_file"]
    assert [(i["external_id"], i["article_id"]) for i in left] == [
        ("faq/store.csv#Can I pick up my order?", ids["faq/store.csv#Can I pick up my order?"]),
        (
            "faq/store.csv#How long does assembly take?",
            ids["faq/store.csv#How long does assembly take?"],
        ),
    ]
    assert left[0]["warning"] == (
        "'Can I pick up my order?' (published, en) is no longer in faq/store.csv: "
        "archive it if it is out of date"
    )


async def test_a_row_in_another_language_is_still_in_the_file_and_unreadable_files_name_none(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    rows = [
        {"id": "store", "question": "Do you have a store?", "answer": "No, online only."},
        {"id": "pickup", "question": "Can I pick up?", "answer": "No."},
    ]
    ru = [{"id": "store", "question": "Есть ли магазин?", "answer": "Нет, только онлайн."}]
    await _upload(client, tenant, [("faq.json", json.dumps(rows).encode())])
    russian = await _upload(client, tenant, [("faq.json", json.dumps(ru).encode())])
    english = await _upload(client, tenant, [("faq.json", json.dumps(rows[:1]).encode())])
    broken = await _upload(client, tenant, [("faq.json", b"[{")])

    assert russian["created"] == 1, russian
    assert [i["outcome"] for i in russian["items"]] == ["created", "not_in_file"]
    # the English store article is its row (id "store") in another language: not named
    assert russian["items"][1]["external_id"] == "faq.json#pickup"
    assert russian["items"][1]["warning"].startswith("'Can I pick up?' (draft, en) is no longer")
    assert [i["external_id"] for i in english["items"] if i["outcome"] != "unchanged"] == [
        "faq.json#pickup"
    ]
    assert broken["items"][0]["outcome"] == "failed"
    assert len(broken["items"]) == 1


def test_the_cli_names_the_rows_no_longer_in_the_file(tmp_path: Path) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text(FIRST, encoding="utf-8")
    cli = Deskpilot(tmp_path / "data")
    assert cli("workspace", "create", "shop", "--name", "Shop").returncode == 0
    assert cli("import", "kb", str(faq)).returncode == 0
    faq.write_text(SECOND, encoding="utf-8")

    run = cli("import", "kb", str(faq))

    assert run.returncode == 0, run.stderr
    assert "faq.csv#How long does assembly take?: warning: 'How long does assembly take?'" in (
        run.stderr
    )
    assert "1 created, 0 updated, 2 unchanged, 0 failed" in run.stderr
