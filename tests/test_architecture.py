"""The package layout of docs/architecture.md holds: each stage imports only the stages
its "Import rules" table lists, and no module imports itself back through another (lazy
imports count too). The rules are read from the document, so it cannot go stale."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "isbenefit"
ARCHITECTURE = REPO / "docs" / "architecture.md"
BASE = {"errors", "units", "paths", "version", "writing", "workbooks", "reported", "messages"}


def documented_rules() -> dict[str, set[str]]:
    """What each stage may import of isbenefit, as docs/architecture.md's "Import rules"
    table says ("base" standing for the base modules)."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    table = text.split("## Import rules", 1)[1].split("\n## ", 1)[0]
    rules = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not cells[0].startswith("`"):
            continue
        names = {name.strip() for name in cells[1].split(",") if name.strip()}
        rules[cells[0].strip("`")] = (names - {"base"}) | (BASE if "base" in names else set())
    return rules


ALLOWED = documented_rules()


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, modules: set[str]) -> set[str]:
    """isbenefit modules ``path`` imports anywhere in its body, at module or function level."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("isbenefit"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in modules else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("isbenefit")}
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    names = set(files)
    return {name: imported(path, names) - {"isbenefit"} for name, path in files.items()}


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_stage_imports_only_the_stages_below_it() -> None:
    breaches = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if stage(target) != stage(module) and stage(target) not in ALLOWED[stage(module)]
    )
    assert breaches == []


def test_documents_read_only_the_contract_of_the_ledger() -> None:
    """documents never read or check a ledger; they only name its columns and flows."""
    graph = import_graph()
    read = {
        target
        for module, targets in graph.items()
        if stage(module) == "documents"
        for target in targets
        if stage(target) == "ledger"
    }
    assert read <= {"isbenefit.ledger.contract"}


def test_no_module_imports_itself_back() -> None:
    graph = import_graph()
    cycles = []
    for start in graph:
        seen: set[str] = set()
        frontier = [target for target in graph[start] if target in graph]
        while frontier:
            current = frontier.pop()
            if current == start:
                cycles.append(start)
                break
            if current not in seen:
                seen.add(current)
                frontier += [target for target in graph[current] if target in graph]
    assert cycles == []


def test_the_engine_imports_no_io_library() -> None:
    """The arithmetic stays pure: arrays in, arrays out."""
    heavy = {"pandas", "bw2data", "bw2calc", "openpyxl", "weasyprint", "typer", "rich"}
    used = {
        alias.name.split(".")[0]
        for path in (PACKAGE / "engine").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert used & heavy == set()


def test_every_stage_of_the_package_has_a_documented_rule_and_a_place_in_the_drawing() -> None:
    stages = {stage(module) for module in import_graph()}
    assert stages - set(ALLOWED) == set()
    drawing = ARCHITECTURE.read_text(encoding="utf-8").split("```", 2)[1]
    folders = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    missing = [f"{name}/" for name in folders if f"{name}/" not in drawing]
    missing += [name for name in modules - BASE if f"{name}.py" not in drawing]
    missing += [name for name in BASE if name not in drawing]
    assert missing == []
