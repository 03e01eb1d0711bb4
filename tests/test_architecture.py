"""The house rules that import-linter cannot express, checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "deskpilot"
MAX_LINES = 800


def _modules() -> list[tuple[str, Path]]:
    return [
        (".".join(path.relative_to(SRC.parent).with_suffix("").parts), path)
        for path in sorted(SRC.rglob("*.py"))
        if "migrations/versions" not in path.as_posix()
    ]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_packages_reach_other_packages_through_services_not_repositories() -> None:
    offences = []
    for module, path in _modules():
        package = module.split(".")[1]
        for imported in _imports(path):
            parts = imported.split(".")
            is_repository = len(parts) >= 3 and parts[0] == "deskpilot" and parts[2] == "repository"
            if is_repository and parts[1] not in (package, "kit"):
                offences.append(f"{module} imports {imported}")
    assert not offences, "call the other package's service instead:\n" + "\n".join(offences)


def test_endpoints_hold_no_sql() -> None:
    offences = [
        f"{module} imports {imported}"
        for module, path in _modules()
        if module.endswith(".endpoints")
        for imported in _imports(path)
        if ".repository" in imported or imported.startswith("sqlalchemy")
    ]
    assert not offences, "endpoints call services; SQL lives in repositories:\n" + "\n".join(
        offences
    )


def test_web_pages_hold_no_sql() -> None:
    """The console and public pages, like endpoints, read through services (a session is
    passed on, never queried)."""
    offences = [
        f"{module} imports {imported}"
        for module, path in _modules()
        if module.startswith("deskpilot.web.")
        for imported in _imports(path)
        if ".repository" in imported
        or (imported.startswith("sqlalchemy") and not imported.startswith("sqlalchemy.ext.asyncio"))
    ]
    assert not offences, "pages call services; SQL lives in repositories:\n" + "\n".join(offences)


def test_only_the_transaction_boundary_commits() -> None:
    offences = [
        module
        for module, path in _modules()
        if ".commit(" in path.read_text() and module != "deskpilot.kit.db"
    ]
    assert not offences, f"services never commit; the request or job boundary does: {offences}"


def test_source_files_stay_small() -> None:
    large = [
        f"{module}: {lines} lines"
        for module, path in _modules()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert not large, f"split these into packages: {large}"
