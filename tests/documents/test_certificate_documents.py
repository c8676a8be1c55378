"""Certificates: one page, figures equal the results, claim attached, id from the claim."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import PIL.Image
import pytest
import qrcode
import qrcode.constants
from pypdf import PdfReader

from isbenefit.certify.claim import claim_exchange_ids, read_attachments
from isbenefit.certify.issue import Issuing, certificate, certificate_pdf
from isbenefit.documents.certificate import QR_MASK
from tests.documents_helpers import (
    UNICODE_NAMES,
    assess_ledger,
    flat,
    fmt,
    pdf_text,
    stated,
    unicode_ledger,
)
from tests.sample_results import sample_results

ROWS = {
    "exchanges": [{"id": "X0002", "quantity": "408.6", "_row": 3}],
    "organisations": [{"id": "org002", "name": "Äänekoski Sellu Oy"}],
}


@pytest.fixture(scope="module")
def assessment(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("certificate")
    return assess_ledger(unicode_ledger(root / "ledger"), root / "data")


def make(assessment: Any, org: str, year: str, issuer: str = "Baltic Symbiosis Network") -> bytes:
    rows = assessment.source_rows(claim_exchange_ids(assessment.results, org, year))
    return certificate_pdf(assessment.results, org, year, rows, Issuing(issuer))


def test_one_page_with_the_figures_issuer_and_id(assessment: Any) -> None:
    results = assessment.results
    pdf = make(assessment, "REC", "2024")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = flat(pdf_text(pdf))
    credited = next(o for o in results["organisations"] if o["id"] == "REC")["years"]["2024"]
    saved = credited["saved"]
    for expected in (
        # No Monte Carlo run: three significant digits (docs/claims.md, item 10).
        f"{stated(saved['co2e_kg'] / 1000, None, 2)} t CO₂e",
        f"{stated(saved['water_m3'], None, 1)} m³",
        f"{stated(saved['virgin_material_t'], None, 2)} t",
        f"{stated(saved['landfill_diverted_t'], None, 2)} t",
        f"{fmt(credited['money'], 0)} EUR",
    ):
        assert expected in text
    claim = read_attachments(io.BytesIO(pdf))["claim.json"]
    sha = hashlib.sha256(claim).hexdigest()
    assert f"ISB-{sha[:16].upper()}" in text
    assert sha in text.replace(" ", "")
    for expected in (
        "Baltic Symbiosis Network",
        UNICODE_NAMES[1],
        "annual 2024",
        f"isbenefit {results['isbenefit_version']}",
        f"{results['factor_set']['id']} {results['factor_set']['version']}",
    ):
        assert expected in text


def test_attachments_are_present_and_parse(assessment: Any) -> None:
    results = assessment.results
    attached = read_attachments(io.BytesIO(make(assessment, "THIRD", "2024")))
    assert set(attached) == {"claim.json", "exchanges.csv", "inputs.csv", "organisations.csv"}
    claim = json.loads(attached["claim.json"])
    assert claim["organisation"]["id"] == "THIRD" and claim["year"] == "2024"
    third = next(o for o in results["organisations"] if o["id"] == "THIRD")
    assert claim["credited"] == third["years"]["2024"]
    assert [e["id"] for e in claim["exchanges"]] == ["E2", "E3"]
    assert claim["exchanges"] == [e for e in results["exchanges"] if e["id"] in ("E2", "E3")]
    given = assessment.source_rows(["E2", "E3"])
    assert claim["ledger_rows"] == json.loads(json.dumps(given))
    for sheet, rows in given.items():
        parsed = list(csv.DictReader(io.StringIO(attached[f"{sheet}.csv"].decode("utf-8"))))
        assert parsed == [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]


def test_pdf_a3b_with_associated_files(assessment: Any) -> None:
    reader = PdfReader(io.BytesIO(make(assessment, "SUP", "2024")))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp or "<pdfaid:part>3</pdfaid:part>" in xmp
    assert 'conformance="B"' in xmp or "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    relations = {spec.get_object()["/AFRelationship"] for spec in root["/AF"]}
    assert relations == {"/Data", "/Source"}


def test_qr_code_carries_the_id_and_the_hash() -> None:
    context = certificate(sample_results(), "org002", "2024", ROWS).context
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK
    )
    code.add_data(f"{context.certificate_id} sha256:{context.claim_sha256}")
    code.make(fit=True)
    modules = code.get_matrix()
    image = PIL.Image.open(io.BytesIO(context.qr.data)).convert("1")
    assert context.qr.media_type == "image/png"
    assert image.size == (len(modules), len(modules))
    pixels = [
        [image.getpixel((x, y)) == 0 for x in range(image.size[0])] for y in range(image.size[1])
    ]
    assert pixels == modules


def claim_id(results: dict[str, Any], issuer: str = "isbenefit") -> str:
    return certificate(results, "org002", "2024", ROWS, issuer).context.certificate_id


def numeric_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from numeric_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from numeric_paths(item, (*path, index))


def bumped(results: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(results)
    holder = changed
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = holder[path[-1]] + 1
    return changed


def test_id_changes_with_every_figure_of_the_claim() -> None:
    results = sample_results()
    original = claim_id(results)
    org_index = next(i for i, o in enumerate(results["organisations"]) if o["id"] == "org002")
    used = {
        line["activity"]
        for e in results["exchanges"]
        if "org002" in (e["supplier"], e["receiver"]) and "2024" in e["years"]
        for line in e["lines"]
    }
    paths = [
        ("organisations", org_index, "years", "2024", *p)
        for p in numeric_paths(results["organisations"][org_index]["years"]["2024"])
    ]
    for index, exchange in enumerate(results["exchanges"]):
        if "org002" in (exchange["supplier"], exchange["receiver"]) and "2024" in exchange["years"]:
            paths += [("exchanges", index, *p) for p in numeric_paths(exchange)]
    for index, factor in enumerate(results["factors"]):
        if factor["id"] in used:
            paths += [("factors", index, *p) for p in numeric_paths(factor)]
    assert len(paths) > 50
    for path in paths:
        assert claim_id(bumped(results, path)) != original, path


def test_id_is_stable_when_nothing_claimed_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    results = sample_results()
    original = claim_id(results)
    assert claim_id(copy.deepcopy(results)) == original
    assert claim_id(results, issuer="Another issuer") == original
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert claim_id(results) == original
    other = copy.deepcopy(results)
    other["ledger"] = {"name": "renamed.xlsx", "sha256": "f" * 64}
    other["isbenefit_version"] = "9.9.9"
    unrelated = next(
        e for e in other["exchanges"] if "org002" not in (e["supplier"], e["receiver"])
    )
    unrelated["quantity"] += 1
    unrelated["saved"]["co2e_kg"] += 1
    assert claim_id(other) == original
    reordered = copy.deepcopy(results)
    reordered["exchanges"][0] = dict(reversed(list(reordered["exchanges"][0].items())))
    assert claim_id(reordered) == original


def test_same_claim_same_bytes(assessment: Any) -> None:
    assert make(assessment, "FIFTH", "2024") == make(assessment, "FIFTH", "2024")


def test_written_pdf_roundtrip(tmp_path: Path, assessment: Any) -> None:
    target = tmp_path / "certificate.pdf"
    target.write_bytes(make(assessment, "SUP", "2024"))
    assert "claim.json" in read_attachments(target)


def test_long_names_still_fit_one_page() -> None:
    long_name = "Ørsted Ženklų Gamykla ir Партнёры Łódź Kraftvarmeværk " * 3
    results = sample_results(names=(long_name.strip(), "Äänekoski Sellu Oy", "Завод Жемчуг"))
    rows = {"exchanges": [{"id": "X0001"}]}
    pdf = certificate_pdf(results, "org001", "2024", rows, Issuing("Ė" * 80))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = "".join(pdf_text(pdf).split())
    assert "Ė" * 80 in text and "".join(long_name.split()) in text


def test_a_verification_address_goes_into_the_qr_code_and_onto_the_page(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from isbenefit.certify import claim as claims
    from isbenefit.cli.app import app
    from tests.conftest import TINY_FACTORS, exchange, write_ledger

    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    pdf = tmp_path / "c.pdf"
    base = ["certificate", str(ledger), "--factors", str(TINY_FACTORS), "--org", "SUP",
            "--year", "2024", "--iterations", "0"]  # fmt: skip
    made = CliRunner().invoke(
        app, [*base, "--verify-url", "https://example.org/c/", "-o", str(pdf)]
    )
    assert made.exit_code == 0, made.output
    claim = PdfReader(pdf).attachments["claim.json"][0]
    cert_id = claims.certificate_id(hashlib.sha256(claim).hexdigest())
    compact = "".join(PdfReader(pdf).pages[0].extract_text().split())  # URLs break anywhere
    assert f"Checkitathttps://example.org/c/{cert_id}." in compact
    wrong = CliRunner().invoke(
        app, [*base, "--verify-url", "example.org", "-o", str(tmp_path / "d.pdf")]
    )
    assert wrong.exit_code == 2 and "is not a web address" in wrong.output


def test_the_qr_code_carries_the_verification_address(tmp_path: Path) -> None:
    from isbenefit import assess
    from isbenefit.documents.certificate import qr_png
    from tests.conftest import TINY_FACTORS, exchange, write_ledger

    ledger = write_ledger(tmp_path / "ledger", [exchange(baseline_supply="prod.gypsum")])
    assessment = assess(ledger, TINY_FACTORS)
    rows = assessment.source_rows(["E1"])
    made = certificate(assessment.results, "SUP", "2024", rows, verify_url="https://x.org/c")
    address = f"https://x.org/c/{made.context.certificate_id}"
    assert made.context.verify_address == address
    assert made.context.qr.data == qr_png(address)
    plain = certificate(assessment.results, "SUP", "2024", rows)
    assert plain.context.verify_address == ""
    assert plain.context.qr.data != made.context.qr.data
