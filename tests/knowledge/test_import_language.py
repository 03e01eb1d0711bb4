# ruff: noqa: RUF001 - Chinese and Russian text and punctuation, as help articles are written
"""The language of imported items: their own, else ``--language``, else detected from their
text among the workspace's enabled languages; importing again keeps a language set by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.knowledge import importing
from deskpilot.models import Article, Role, Workspace
from tests.factories import Tenant, create_api_key
from tests.test_cli import Deskpilot

ZH_MD = (
    "# 退货政策\n\n收到商品后三十天内可以申请退货。"
    "请保留原包装和购物小票，我们会在五个工作日内退款。\n"
)
RU_MD = (
    "# Политика возврата\n\nВы можете вернуть товар в течение тридцати дней после получения. "
    "Сохраните упаковку и чек, деньги вернутся в течение пяти рабочих дней.\n"
)
EN_MD = "# Shipping times\n\nWe ship every order within two working days from our warehouse.\n"
FAQ_CSV = (
    "id,question,answer\n"
    "zh-1,如何修改收货地址？,在订单发货之前，您可以在账户的订单页面修改收货地址。\n"
    "ru-1,Как изменить адрес доставки?,"
    "До отправки заказа адрес можно изменить на странице заказа.\n"
)
FAQ_JSONL = "\n".join(
    json.dumps(row, ensure_ascii=False)
    for row in [
        {
            "id": "zh-2",
            "question": "支持哪些付款方式？",
            "answer": "我们支持信用卡、支付宝和微信支付。",
        },
        {
            "id": "ru-2",
            "question": "Какие способы оплаты?",
            "answer": "Мы принимаем карты и PayPal.",
        },
        {"id": "named", "question": "Где мой заказ?", "answer": "Смотрите ссылку.", "lang": "ru"},
    ]
)
EXPECTED = {
    "zh/returns.md": "zh",
    "ru/returns.md": "ru",
    "shipping.md": "en",
    "faq.csv#zh-1": "zh",
    "faq.csv#ru-1": "ru",
    "faq.jsonl#zh-2": "zh",
    "faq.jsonl#ru-2": "ru",
    "faq.jsonl#named": "ru",
}


def _files() -> list[tuple[str, bytes]]:
    return [
        ("zh/returns.md", ZH_MD.encode()),
        ("ru/returns.md", RU_MD.encode()),
        ("shipping.md", EN_MD.encode()),
        ("faq.csv", FAQ_CSV.encode()),
        ("faq.jsonl", FAQ_JSONL.encode()),
    ]


async def _upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    files: list[tuple[str, bytes]],
    **form: str,
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/kb/import",
        files=[("files", (name, data)) for name, data in files],
        data=form,
        headers=headers,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert result["failed"] == 0, result
    return result


async def _languages(database: Database, workspace_id: str) -> dict[str, str]:
    async with database.transaction() as session:
        rows = await session.execute(
            select(Article.external_id, Article.language).where(
                Article.workspace_id == workspace_id
            )
        )
    return {str(external_id): language for external_id, language in rows.all()}


def _cli_languages(cli: Deskpilot) -> dict[str, str]:
    rows = cli.query("SELECT external_id, language FROM articles")
    return {str(external_id): str(language) for external_id, language in rows}


def test_cli_detects_the_language_of_chinese_and_russian_files(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    for name, data in _files():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    cli = Deskpilot(tmp_path / "data")
    assert cli("workspace", "create", "shop", "--name", "Shop").returncode == 0

    run = cli("import", "kb", str(folder), "--publish")
    languages = _cli_languages(cli)
    # a language corrected by hand (as PATCH would) survives importing changed text again
    with_hand_fix = cli.query(
        "UPDATE articles SET language = 'en' WHERE external_id = 'faq.csv#zh-1' RETURNING id"
    )
    (folder / "faq.csv").write_text(FAQ_CSV.replace("账户的", "账户中的"), encoding="utf-8")
    again = cli("import", "kb", str(folder))
    explicit = tmp_path / "other.md"
    explicit.write_text(ZH_MD.replace("# 退货政策", "# 换货政策"), encoding="utf-8")
    named = cli("import", "kb", str(explicit), "--language", "ru")
    after = _cli_languages(cli)

    assert run.returncode == 0, run.stderr
    assert "8 created" in run.stderr
    assert languages == EXPECTED
    assert with_hand_fix
    assert again.returncode == 0, again.stderr
    assert "1 updated" in again.stderr
    assert after["faq.csv#zh-1"] == "en"  # kept, though the text changed
    assert after["faq.csv#ru-1"] == "ru"
    assert named.returncode == 0, named.stderr
    assert after["other.md"] == "ru"  # an explicit --language wins over detection


async def test_api_import_detects_languages_and_keeps_hand_corrections(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent_key = await create_api_key(database, tenant.workspace_id, Role.AGENT)
    agent = {"Authorization": f"Bearer {agent_key}"}

    first = await _upload(client, agent, _files())
    detected = await _languages(database, tenant.workspace_id)
    ids = {item["external_id"]: item["article_id"] for item in first["items"]}
    fixed = await client.patch(
        f"/api/v1/kb/articles/{ids['ru/returns.md']}", json={"language": "uk"}, headers=agent
    )
    changed = [
        (name, data.replace("тридцати".encode(), "четырнадцати".encode()))
        for name, data in _files()
    ]
    again = await _upload(client, agent, changed)
    after = await _languages(database, tenant.workspace_id)

    assert first["created"] == 8
    assert detected == EXPECTED
    assert fixed.status_code == 200
    assert again["updated"] == 1
    assert after == EXPECTED | {"ru/returns.md": "uk"}


async def test_importing_again_keeps_a_language_corrected_by_hand(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    files = [("ru/returns.md", RU_MD.encode()), ("faq.csv", FAQ_CSV.encode())]
    first = await _upload(client, tenant.headers, files, language="ru")
    ids = {item["external_id"]: item["article_id"] for item in first["items"]}
    fixed = await client.patch(
        f"/api/v1/kb/articles/{ids['faq.csv#zh-1']}",
        json={"language": "zh"},
        headers=tenant.headers,
    )
    changed = [(name, data.replace("账户的".encode(), "账户中的".encode())) for name, data in files]
    again = await _upload(client, tenant.headers, changed, language="ru")
    after = await _languages(database, tenant.workspace_id)

    assert fixed.status_code == 200
    assert again["updated"] == 1
    assert again["unchanged"] == 2
    assert after == {"ru/returns.md": "ru", "faq.csv#zh-1": "zh", "faq.csv#ru-1": "ru"}


async def test_api_language_field_wins_and_a_named_language_still_updates(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    await _upload(client, tenant.headers, [("zh/returns.md", ZH_MD.encode())], language="ru")
    named = await _languages(database, tenant.workspace_id)
    jsonl = json.dumps({"id": "a", "title": "Shipping", "content": "Two days.", "lang": "en"})
    await _upload(client, tenant.headers, [("rows.jsonl", jsonl.encode())])
    relabelled = jsonl.replace('"en"', '"ru"')
    result = await _upload(client, tenant.headers, [("rows.jsonl", relabelled.encode())])
    after = await _languages(database, tenant.workspace_id)

    assert named == {"zh/returns.md": "ru"}
    assert result["unchanged"] == 1  # same text: the language alone changed, no new version
    assert after["rows.jsonl#a"] == "ru"


async def test_text_too_short_to_tell_gets_the_workspace_default(
    tenant: Tenant, database: Database
) -> None:
    sources = [importing.Source(path="faq.csv", data=b"question,answer\n#W1234567?,+1 555 0100\n")]
    async with database.transaction() as session:
        workspace = await session.get(Workspace, tenant.workspace_id)
        assert workspace is not None
        workspace.default_language = "zh"
    async with database.transaction() as session:
        result = await importing.import_sources(
            session, tenant.workspace_id, sources, importing.ImportOptions(), None
        )
    async with database.transaction() as session:
        article = await session.get(Article, result.items[0].article_id)

    assert result.created == 1
    assert article is not None
    assert article.language == "zh"


EN_RETURNS = (
    "# Returns and refunds\n\nYou can return an item within 30 days of delivery. "
    "Refunds reach your card within five to ten working days.\n"
)


def test_cli_imports_the_same_path_in_another_language_as_its_own_article(
    tmp_path: Path,
) -> None:
    for folder, text in [("en", EN_RETURNS), ("ru2", RU_MD)]:
        (tmp_path / folder / "policies").mkdir(parents=True)
        (tmp_path / folder / "policies" / "returns.md").write_text(text, encoding="utf-8")
    cli = Deskpilot(tmp_path / "data")
    assert cli("workspace", "create", "shop", "--name", "Shop").returncode == 0

    runs = [cli("import", "kb", str(tmp_path / folder), "--publish") for folder in ("en", "ru2")]
    again = [cli("import", "kb", str(tmp_path / folder)) for folder in ("ru2", "en")]
    rows = cli.query(
        "SELECT a.external_id, a.language, v.title FROM articles a JOIN article_versions v"
        " ON v.article_id = a.id AND v.number = a.current_version ORDER BY a.language"
    )

    assert [run.returncode for run in runs + again] == [0, 0, 0, 0], runs[1].stderr
    assert "1 created, 0 updated" in runs[1].stderr
    assert all("1 unchanged" in run.stderr for run in again)
    assert rows == [
        ("policies/returns.md", "en", "Returns and refunds"),
        ("policies/returns.md#lang=ru", "ru", "Политика возврата"),
    ]


async def test_api_import_keeps_one_article_per_language_of_a_path(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    zh = await _upload(client, tenant.headers, [("returns.md", ZH_MD.encode())], publish="true")
    en = await _upload(client, tenant.headers, [("returns.md", EN_RETURNS.encode())])
    zh_again = await _upload(client, tenant.headers, [("returns.md", ZH_MD.encode())])
    en_edited = EN_RETURNS.replace("30 days", "45 days").encode()
    en_again = await _upload(client, tenant.headers, [("returns.md", en_edited)])

    assert (zh["created"], en["created"]) == (1, 1)
    assert en["items"][0]["external_id"] == "returns.md#lang=en"
    assert zh_again["unchanged"] == 1
    assert zh_again["items"][0]["article_id"] == zh["items"][0]["article_id"]
    assert en_again["updated"] == 1
    assert en_again["items"][0]["article_id"] == en["items"][0]["article_id"]
    assert await _languages(database, tenant.workspace_id) == {
        "returns.md": "zh",
        "returns.md#lang=en": "en",
    }


async def test_a_translation_of_an_internal_article_is_internal(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """A review published a Russian text of an article an editor had made internal: the new
    article of its path took the import's visibility, public."""
    en = await _upload(client, tenant.headers, [("returns.md", EN_RETURNS.encode())])
    article_id = en["items"][0]["article_id"]
    hidden = await client.patch(
        f"/api/v1/kb/articles/{article_id}", headers=tenant.headers, json={"visibility": "internal"}
    )
    assert hidden.status_code == 200, hidden.text

    ru = await _upload(client, tenant.headers, [("returns.md", RU_MD.encode())], publish="true")

    translated = await client.get(
        f"/api/v1/kb/articles/{ru['items'][0]['article_id']}", headers=tenant.headers
    )
    assert ru["items"][0]["external_id"] == "returns.md#lang=ru"
    assert translated.json()["visibility"] == "internal"
