"""Templates use only documented context fields; escaping and the URL fetcher hold."""

from __future__ import annotations

import dataclasses
import typing

import jinja2
import jinja2.meta
import jinja2.nodes
import pytest

from isbenefit.documents import (
    certificate,
    confirmations,
    contexts,
    ranges,
    report,
    statement,
)
from isbenefit.documents.render import (
    AssetFetcher,
    RenderError,
    environment,
    html_to_pdf,
    render_html,
    templates_root,
)
from isbenefit.results.model import Results
from tests.documents_helpers import HOSTILE_NAMES
from tests.sample_results import sample_results

DOCUMENTS = {
    "statement.html": statement.StatementContext,
    "certificate.html": certificate.CertificateContext,
    "report.html": report.ReportContext,
}
PARTIALS = {
    "_annex.html": ("factors", "sources", "provenance"),
    "_methodology.html": ("monte_carlo",),
}


def documented_dataclasses() -> list[type]:
    found = []
    for module in (contexts, statement, certificate, report, ranges, confirmations):
        for value in vars(module).values():
            if dataclasses.is_dataclass(value) and value.__module__ == module.__name__:
                found.append(value)
    return found


@pytest.mark.parametrize("cls", documented_dataclasses(), ids=lambda cls: cls.__name__)
def test_every_context_field_is_documented(cls: type) -> None:
    doc = cls.__doc__ or ""
    own = vars(cls).get("__annotations__", {})  # inherited fields are documented where declared
    missing = [
        f.name for f in dataclasses.fields(cls) if f.name in own and f"    {f.name}:" not in doc
    ]
    assert missing == []


def names_used(template: str) -> set[str]:
    """Top-level names a template reads, less the macros it imports."""
    env = environment()
    assert env.loader is not None
    tree = env.parse(env.loader.get_source(env, template)[0])
    imported = {
        name if isinstance(name, str) else name[1]
        for node in tree.find_all(jinja2.nodes.FromImport)
        for name in node.names
    }
    # `_trans`: the name jinja's i18n extension gives a `{% trans count=... %}` expression.
    return jinja2.meta.find_undeclared_variables(tree) - imported - {"_trans"}


@pytest.mark.parametrize("template", sorted(DOCUMENTS))
def test_templates_use_only_context_fields(template: str) -> None:
    used = names_used(template)
    fields = {f.name for f in dataclasses.fields(DOCUMENTS[template])}
    assert used <= fields, used - fields
    assert {"year", "provenance"} <= used
    assert names_used("base.html") == {"meta"} <= fields


def test_the_confirmed_statement_adds_only_its_confirmation_section() -> None:
    used = names_used(confirmations.TEMPLATE)
    fields = {f.name for f in dataclasses.fields(confirmations.ConfirmedStatementContext)}
    assert used <= fields, used - fields
    assert "confirmation" in used


@pytest.mark.parametrize("partial", sorted(PARTIALS))
def test_partials_use_fields_every_including_document_has(partial: str) -> None:
    used = names_used(partial)
    assert used == set(PARTIALS[partial])
    for cls in DOCUMENTS.values():
        names = {f.name for f in dataclasses.fields(cls)}
        if cls is not certificate.CertificateContext:
            assert used <= names


def test_strict_undefined_and_autoescape() -> None:
    env = environment()
    assert env.undefined is jinja2.StrictUndefined
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nothing.here }}").render()
    results = Results.from_results(sample_results(names=HOSTILE_NAMES))
    context = statement.statement_context(results, "org001", "2024")
    html = render_html("statement.html", context)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "<script>" not in html and '<img src="file:///etc/passwd">' not in html


def test_context_types_are_frozen() -> None:
    context = report.report_context(Results.from_results(sample_results()), "2024")
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.year = "1999"  # type: ignore[misc]
    hints = typing.get_type_hints(report.ReportContext)
    assert hints["network"] is contexts.Image


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://example.com/style.css",
        "data:image/svg+xml;base64,PHN2Zy8+",
        "ftp://example.com/x",
        "isbenefit-image:not-generated",
    ],
)
def test_fetcher_refuses_and_records(url: str) -> None:
    fetcher = AssetFetcher(templates_root())
    with pytest.raises(ValueError, match="does not fetch"):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.fetched == []


def test_fetcher_refuses_paths_escaping_the_templates() -> None:
    root = templates_root()
    fetcher = AssetFetcher(root)
    escaping = f"{root.as_uri()}/../pyproject.toml"
    with pytest.raises(ValueError):
        fetcher.fetch(escaping)
    assert fetcher.fetch((root / "style.css").as_uri()).read().startswith(b"/*")
    assert fetcher.refused == [escaping]


@pytest.mark.weasyprint_logs
def test_a_document_asking_for_a_refused_url_fails() -> None:
    fetcher = AssetFetcher(templates_root())
    with pytest.raises(RenderError, match="etc/passwd"):
        html_to_pdf('<p>x</p><img src="file:///etc/passwd">', fetcher=fetcher)
    assert fetcher.refused == ["file:///etc/passwd"]
