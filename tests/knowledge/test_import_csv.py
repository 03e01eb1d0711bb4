"""CSV files as spreadsheets write them: separated by semicolons or tabs, or named by an Excel
``sep=`` line; a header without question and answer columns is one clear error; an unclosed
quote is reported at its line (and the rows after it are imported); a row with more values than
the header (an unquoted separator) is refused at its line; columns not read are reported."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.factories import Tenant
from tests.knowledge.test_import_formats import _article, _upload
from tests.test_cli import Deskpilot


async def test_semicolon_tab_and_sep_line_files_are_read(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    files = [
        ("semi.csv", b'\xef\xbb\xbfquestion;answer\nSemi question?;"Yes; within 1 hour."\n'),
        ("tab.csv", b"question\tanswer\nTab question?\tTab, answer\n"),
        ("excel.csv", b"sep=;\r\nquestion;answer\r\nSep line?;yes, it is\r\n"),
    ]

    result = await _upload(client, tenant, files)

    assert (result["created"], result["failed"]) == (3, 0), result
    bodies = [(await _article(client, tenant, i["article_id"]))["body"] for i in result["items"]]
    assert bodies == ["Yes; within 1 hour.", "Tab, answer", "yes, it is"]
    assert [i["warning"] for i in result["items"]] == [None, None, None]


async def test_a_header_without_question_and_answer_fails_once_naming_it(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csv = b"frage|antwort\nWo?|Hier\nWann?|Jetzt\n"

    result = await _upload(client, tenant, [("de.csv", csv)])

    assert result["failed"] == 1, result
    assert len(result["items"]) == 1
    error = result["items"][0]["error"]
    assert "header line 'frage|antwort'" in error
    assert "sep=" in error


async def test_an_unclosed_quote_is_reported_at_its_line_and_extra_values_refuse_the_row(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csv = (
        b"question,answer,notes\nRagged extra?,ans,note,EXTRA,MORE\nTrailing blanks?,ans,,,\n"
        b'"Unclosed quote?,ans\nAfter unclosed?,ans after\n'
    )

    result = await _upload(client, tenant, [("ragged.csv", csv)])

    assert (result["created"], result["failed"]) == (2, 2), result
    ragged, blanks, unclosed, after = result["items"]
    assert "'notes'" in ragged["warning"]
    assert ragged["error"] == (
        "line 2 has more values than the header (5, not 3); quote the answer "
        "(or any value that holds the separator)"
    )
    assert blanks["outcome"] == "created"
    assert unclosed["error"].startswith("line 4: a quote opens a field that is never closed")
    assert unclosed["error"].endswith("the rows after it were")
    article = await _article(client, tenant, after["article_id"])
    assert (article["title"], article["body"]) == ("After unclosed?", "ans after")


async def test_an_unquoted_separator_in_the_answer_names_the_line_not_a_category(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csv = (
        "question;answer;category;language;tags\n"
        "Do you have a store?;No, online only.;faq;en;store\n"
        "How long does assembly take?;About 10 minutes; no tools needed.;faq;en;assembly\n"
    )

    result = await _upload(client, tenant, [("store.csv", csv.encode())])

    assert (result["created"], result["failed"]) == (1, 1), result
    assert result["items"][1]["error"].startswith(
        "line 3 has more values than the header (6, not 5); quote the answer"
    )


def test_the_cli_prints_an_items_warning(tmp_path: Path) -> None:
    faq = tmp_path / "faq.csv"
    faq.write_text("question,answer,notes\nNoted?,Yes,EXTRA\n", encoding="utf-8")
    cli = Deskpilot(tmp_path / "data")
    assert cli("workspace", "create", "shop", "--name", "Shop").returncode == 0

    run = cli("import", "kb", str(faq))

    assert run.returncode == 0, run.stderr
    assert "warning:" in run.stderr
    assert "'notes'" in run.stderr


async def test_an_unclosed_quote_on_the_last_row_does_not_speak_of_rows_after_it(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csv = b'question,answer\nFirst?,yes\n"Last unclosed?,ans\n'

    result = await _upload(client, tenant, [("last.csv", csv)])

    assert (result["created"], result["failed"]) == (1, 1), result
    error = result["items"][1]["error"]
    assert error.startswith("line 3: a quote opens a field that is never closed")
    assert error.endswith("the row was not imported")
