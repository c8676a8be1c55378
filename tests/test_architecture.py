"""The package layout of docs/architecture.md holds: each stage imports only the stages
below it, and no module imports itself back through another (lazy imports count too)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "isbenefit"
# What each stage may import of isbenefit, besides itself (docs/architecture.md).
BASE = {"errors", "units", "paths", "version", "writing", "workbooks"}
ALLOWED = {
    "errors": set(),
    "version": set(),
    "paths": set(),
    "writing": {"errors"},
    "workbooks": set(),
    "units": {"errors"},
    "engine": {"errors", "units"},
    "scoring": BASE,
    "ledger": BASE | {"engine", "scoring"},
    "results": BASE | {"engine", "ledger", "scoring"},
    "documents": BASE | {"engine", "results"},
    "api": BASE | {"engine", "ledger", "scoring", "results"},
    "certify": BASE | {"engine", "ledger", "scoring", "results", "api", "documents"},
    "reporting": BASE | {"engine", "ledger", "scoring", "results", "api"},
    "batch": BASE | {"engine", "results", "documents", "certify"},
    # The web service (docs/service.md): everything but the command line.
    "service": BASE
    | {"engine", "ledger", "scoring", "results", "api", "documents", "certify", "batch"},
    "cli": BASE
    | {
        "engine",
        "ledger",
        "scoring",
        "results",
        "api",
        "documents",
        "certify",
        "batch",
        "reporting",
        "service",
    },
    "__init__": {"version", "api"},
    "__main__": {"cli"},
}


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
