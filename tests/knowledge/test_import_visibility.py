"""The visibility of imported FAQ rows: a ``visibility`` column (CSV) or field (JSON, JSONL) is
honoured row by row, an unknown one refuses the row; Markdown front matter must name the
import's visibility, and an unknown one says which are known."""

from __future__ import annotations

import json

import httpx

from tests.factories import Tenant
from tests.knowledge.test_import_formats import _article, _upload

STAFF_CSV = (
    "question,answer,visibility\n"
    "What is the staff discount code?,Staff use code STAFF40 for 40% off.,internal\n"
    "Do you sell gift cards?,Yes: from 10 to 500 dollars.,Public\n"
    "Where is the spare key?,In the office safe.,private\n"
    "How long is shipping?,Two to five days.,\n"
)
STAFF_JSON = json.dumps(
    [
        {"question": "How do I release a fraud hold?", "answer": "Code RISK-99.", "visibility": 1},
        {"question": "Who approves refunds?", "answer": "A team lead.", "visibility": "internal"},
    ]
)
STAFF_JSONL = json.dumps(
    {"question": "Agent-only override?", "answer": "Code OVR-7731.", "visibility": "internal"}
)


async def test_a_rows_visibility_is_honoured_and_an_unknown_one_refuses_the_row(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    files = [
        ("vis.csv", STAFF_CSV.encode()),
        ("vis.json", STAFF_JSON.encode()),
        ("vis.jsonl", STAFF_JSONL.encode()),
    ]

    result = await _upload(client, tenant, files, publish="true")

    assert (result["created"], result["failed"]) == (5, 2), result
    items = {i["external_id"]: i for i in result["items"]}
    assert [i["warning"] for i in result["items"]] == [None] * 7  # the column is read
    for refused, value in [
        ("vis.csv#Where is the spare key?", "'private'"),
        ("vis.json#How do I release a fraud hold?", "'1'"),
    ]:
        assert items[refused]["error"] == f"visibility must be public or internal, not {value}"
    visibility = {
        external_id: (await _article(client, tenant, item["article_id"]))["visibility"]
        for external_id, item in items.items()
        if item["article_id"] is not None
    }
    assert visibility == {
        "vis.csv#What is the staff discount code?": "internal",
        "vis.csv#Do you sell gift cards?": "public",
        "vis.csv#How long is shipping?": "public",  # blank: the import's
        "vis.json#Who approves refunds?": "internal",
        "vis.jsonl#Agent-only override?": "internal",
    }


async def test_a_row_that_names_its_visibility_changes_it_on_a_reimport(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    public = "question,answer\nWhat is the staff discount code?,STAFF40.\n"
    internal = "question,answer,visibility\nWhat is the staff discount code?,STAFF40.,internal\n"
    first = await _upload(client, tenant, [("vis.csv", public.encode())], publish="true")
    again = await _upload(client, tenant, [("vis.csv", internal.encode())], publish="true")

    assert first["created"] == 1, first
    assert again["failed"] == 0, again
    article = await _article(client, tenant, again["items"][0]["article_id"])
    assert article["id"] == first["items"][0]["article_id"]
    assert article["visibility"] == "internal"


async def test_front_matter_with_an_unknown_visibility_names_the_known_ones(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    private = b"---\ntitle: Escalation matrix\nvisibility: private\n---\nCall the CEO.\n"

    result = await _upload(client, tenant, [("esc.md", private)], visibility="internal")

    assert result["failed"] == 1, result
    error = result["items"][0]["error"]
    assert error == "front matter visibility must be public or internal, not 'private'"
