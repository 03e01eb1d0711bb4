"""Every form in the templates says how it is sent.

A form without ``method`` is sent as GET to the page's own address when it is submitted before
the page's script has taken it over (a slow network, a fast click), and its fields end up in the
address bar, the history and the access logs: the new member's password did. Forms the scripts
send through the API say ``method="post"``, so an early submit is refused (405) and the address
keeps nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "src/deskpilot/web/templates"
FORM_TAG = re.compile(r"<form\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
METHOD = re.compile(r"\smethod=\"(get|post|dialog)\"", re.IGNORECASE)


def _forms() -> list[tuple[str, str, str]]:
    """(template:line, opening tag, the form's whole text) for every form in every template."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for tag in FORM_TAG.finditer(text):
            where = f"{path.relative_to(TEMPLATES)}:{text.count(chr(10), 0, tag.start()) + 1}"
            end = text.find("</form>", tag.end())
            found.append((where, tag.group(0), text[tag.start() : end]))
    return found


def test_the_templates_have_forms() -> None:
    assert len(_forms()) > 20


@pytest.mark.parametrize(("where", "tag", "form"), _forms(), ids=[f[0] for f in _forms()])
def test_every_form_says_its_method_and_no_get_form_sends_a_secret(
    where: str, tag: str, form: str
) -> None:
    method = METHOD.search(tag)
    assert method is not None, f"{where}: {tag[:80]} has no method"
    if method.group(1).lower() == "get":
        assert 'type="password"' not in form, f"{where}: a GET form holds a password"
