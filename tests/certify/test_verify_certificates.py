"""`isbenefit verify`: an untouched signed certificate is valid; each kind of tampering
gets its own verdict and exit code."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from isbenefit.certify import claim as claims
from isbenefit.certify import issue as certificate_module
from isbenefit.certify import trust
from isbenefit.certify.signing import fingerprint, load_public_key, new_key_pair
from isbenefit.cli.app import app
from tests.certificate_helpers import EPOCH, attached_claim, make_certificate, new_test_key
from tests.conftest import REPO, TINY_FACTORS, exchange, write_ledger
from tests.tamper_helpers import rewrite_attachments

runner = CliRunner()
MONTE_CARLO = ("--iterations", "200", "--seed", "3")
NO_MONTE_CARLO = ("--iterations", "0")


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("keys")
    new_test_key(folder / "issuer.key", folder / "issuer.pub")
    new_test_key(folder / "other.key", folder / "other.pub")
    # The issuer's key is trusted in the run's default trust store (its data directory);
    # the other key is not.
    trust.trust(trust.store_path(None), folder / "issuer.pub", "Test issuer")
    return {
        "key": folder / "issuer.key",
        "pub": folder / "issuer.pub",
        "other": folder / "other.pub",
        "other_key": folder / "other.key",
    }


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two exchanges of SUP; E1's virgin material and landfill figures are equal."""
    rows = [
        exchange(
            baseline_supply="prod.gypsum",
            baseline_disposal="landfill.plasterboard",
            transport_mode="transport.road",
            transport_km="30",
            supplier_share="0.6",
        ),
        exchange(
            id="E2",
            supplier="REC",
            receiver="SUP",
            flow="water",
            resource="water",
            quantity="500",
            unit="m3",
            baseline_supply="water.mains",
            data_quality="estimated",
        ),
    ]
    return write_ledger(tmp_path_factory.mktemp("verify") / "ledger", rows)


@pytest.fixture(scope="module")
def signed(
    ledger: Path,
    keys: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A signed certificate with a Monte Carlo run, made once and never changed in place."""
    patcher = pytest.MonkeyPatch()
    patcher.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        return make_certificate(
            ledger,
            tmp_path_factory.mktemp("signed") / "c.pdf",
            *MONTE_CARLO,
            "--key",
            str(keys["key"]),
        )
    finally:
        patcher.undo()


def verify(pdf: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(
        app, ["verify", str(pdf), "--factors", str(TINY_FACTORS), "--json", *extra]
    )
    return result.exit_code, json.loads(result.output)


def check(report: dict[str, Any], name: str) -> dict[str, str]:
    return next(c for c in report["checks"] if c["name"] == name)


def test_untouched_signed_certificate_is_valid(signed: Path, keys: dict[str, Path]) -> None:
    code, report = verify(signed, "--key", str(keys["pub"]))
    assert (code, report["verdict"], report["exit_code"]) == (0, "valid", 0)
    assert [(c["name"], c["status"]) for c in report["checks"]] == [
        ("attachment", "pass"),
        ("signature", "pass"),
        ("PDF signature", "pass"),
        ("printed figures", "pass"),
        ("factor set", "pass"),
        ("recomputation", "pass"),
    ]
    assert all(set(c) == {"name", "status", "message"} for c in report["checks"])
    assert "Monte Carlo" in check(report, "recomputation")["message"]
    expected_id = claims.certificate_id(claims.claim_sha256(json.loads(attached_claim(signed))))
    assert report["certificate_id"] == expected_id


def test_a_trusted_key_is_valid_without_key_option(signed: Path, keys: dict[str, Path]) -> None:
    code, report = verify(signed)
    assert (code, report["verdict"]) == (0, "valid")
    message = check(report, "signature")["message"]
    assert fingerprint(load_public_key(keys["pub"])) in message
    assert message.startswith("signed by Test issuer (trusted key")


def test_a_key_not_in_the_trust_store_is_an_unknown_key(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    empty = tmp_path / "trust.json"
    code, report = verify(signed, "--trust-store", str(empty))
    assert (code, report["verdict"]) == (12, "signed by an unknown key")
    message = check(report, "signature")["message"]
    assert fingerprint(load_public_key(keys["pub"])) in message
    assert "isbenefit keys trust ISSUER.pub --name NAME" in message
    trusted = runner.invoke(app, ["keys", "trust", str(keys["pub"]), "--name", "Gips A/S",
                                  "--trust-store", str(empty)])  # fmt: skip
    assert trusted.exit_code == 0, trusted.output
    listed = runner.invoke(app, ["keys", "list", "--trust-store", str(empty), "--json"])
    assert [k["name"] for k in json.loads(listed.output)] == ["Gips A/S"]
    code, report = verify(signed, "--trust-store", str(empty))
    assert (code, report["verdict"]) == (0, "valid")
    assert "signed by Gips A/S" in check(report, "signature")["message"]
    gone = runner.invoke(app, ["keys", "untrust", str(keys["pub"]), "--trust-store", str(empty)])
    assert gone.exit_code == 0, gone.output
    assert verify(signed, "--trust-store", str(empty))[0] == 12


def test_a_forgery_signed_with_a_fresh_key_is_not_valid(
    ledger: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    """Another key, the same issuer name on the page: without --key it exits non-zero."""
    forged = make_certificate(
        ledger, tmp_path / "f.pdf", *NO_MONTE_CARLO, "--key", str(keys["other_key"])
    )
    code, report = verify(forged)
    assert (code, report["verdict"]) == (12, "signed by an unknown key")


def test_deterministic_signed_certificate_is_valid(
    ledger: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf", *NO_MONTE_CARLO, "--key", str(keys["key"]))
    assert "uncertainty" not in json.loads(attached_claim(pdf))
    code, report = verify(pdf, "--key", str(keys["pub"]))
    assert (code, report["verdict"]) == (0, "valid")


def test_unsigned_certificate(ledger: Path, tmp_path: Path) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf", *NO_MONTE_CARLO)
    code, report = verify(pdf)
    assert (code, report["verdict"]) == (3, "unsigned")
    assert check(report, "signature")["message"] == "not signed: no signature.json attached"
    assert [c["status"] for c in report["checks"]] == [
        "pass",
        "skip",
        "skip",
        "pass",
        "pass",
        "pass",
    ]
    assert (
        check(report, "PDF signature")["message"] == "no issuer signature (the claim is unsigned)"
    )


def test_another_key_makes_the_signature_invalid(signed: Path, keys: dict[str, Path]) -> None:
    code, report = verify(signed, "--key", str(keys["other"]))
    assert (code, report["verdict"]) == (4, "signature invalid")
    message = check(report, "signature")["message"]
    assert fingerprint(load_public_key(keys["other"])) in message
    assert fingerprint(load_public_key(keys["pub"])) in message


def test_a_signature_by_another_key_swapped_in(
    signed: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    """A valid signature of the same claim by another key: the page names the issuer's key."""
    from isbenefit.certify.signing import load_private_key, sign

    raw = attached_claim(signed)
    forged = sign(load_private_key(keys["other_key"]), raw)
    data = claims.canonical_json(
        {**forged.as_dict(), "claim_sha256": claims.claim_sha256(json.loads(raw))}
    )
    swapped = rewrite_attachments(signed, tmp_path / "s.pdf", {"signature.json": data})
    code, report = verify(swapped)
    assert (code, report["verdict"]) == (4, "signature invalid")
    assert "fingerprint" in check(report, "signature")["message"]


def test_one_byte_of_the_claim_edited(signed: Path, tmp_path: Path) -> None:
    original = attached_claim(signed)
    position = original.index(b'"year":"2024"') + len(b'"year":"202')
    edited = original[:position] + b"5" + original[position + 1 :]
    assert len(edited) == len(original) and edited != original
    tampered = rewrite_attachments(signed, tmp_path / "t.pdf", {claims.CLAIM_FILE: edited})
    code, report = verify(tampered)
    assert (code, report["verdict"]) == (5, "attachment altered")
    assert "the page prints ISB-" in check(report, "attachment")["message"]


@pytest.mark.parametrize(
    ("replacement", "words"),
    [
        (None, "no claim.json attached"),
        (b'{"schema": ', "not JSON"),
        (b"[1,2]", "not a JSON object"),
        (b'{"year":"2024"}', "lacks"),
    ],
)
def test_missing_or_unparseable_claim(
    signed: Path, tmp_path: Path, replacement: bytes | None, words: str
) -> None:
    tampered = rewrite_attachments(signed, tmp_path / "t.pdf", {claims.CLAIM_FILE: replacement})
    code, report = verify(tampered)
    assert (code, report["verdict"]) == (5, "attachment altered")
    assert words in check(report, "attachment")["message"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("edit", "exchanges.csv differs from the ledger rows in claim.json"),
        ("add", "notes.csv is attached but is no ledger sheet of the claim"),
    ],
)
def test_an_attached_ledger_sheet_edited_or_added_is_caught(
    ledger: Path, tmp_path: Path, change: str, words: str
) -> None:
    """Unsigned, so no signature guards the file: the claim's rows still do."""
    pdf = make_certificate(ledger, tmp_path / "c.pdf", *NO_MONTE_CARLO)
    sheet = PdfReader(pdf).attachments["exchanges.csv"][0]
    edited = (
        {"exchanges.csv": sheet.replace(b",100,", b",300,", 1)}
        if change == "edit"
        else {"notes.csv": b"note\nall fine\n"}
    )
    if change == "edit":
        assert edited["exchanges.csv"] != sheet
    tampered = rewrite_attachments(pdf, tmp_path / "t.pdf", edited)
    code, report = verify(tampered)
    assert (code, report["verdict"]) == (5, "attachment altered")
    assert words in check(report, "attachment")["message"]


def test_stripped_signature(signed: Path, tmp_path: Path) -> None:
    stripped = rewrite_attachments(signed, tmp_path / "s.pdf", {"signature.json": None})
    code, report = verify(stripped)
    assert (code, report["verdict"]) == (3, "unsigned")
    assert "although the page says it was signed" in check(report, "signature")["message"]


def render_with_changed_card(
    ledger: Path, out: Path, monkeypatch: pytest.MonkeyPatch, card: int, value: str
) -> Path:
    """A certificate whose page prints ``value`` on card ``card`` while claim.json is true."""
    real = certificate_module.certified_figures

    def changed(claim: Any) -> tuple[Any, ...]:
        figures = list(real(claim))
        figures[card] = replace(figures[card], figure=replace(figures[card].figure, value=value))
        return tuple(figures)

    monkeypatch.setattr(certificate_module, "certified_figures", changed)
    pdf = make_certificate(ledger, out, *NO_MONTE_CARLO)
    monkeypatch.undo()
    return pdf


def test_printed_headline_differs_from_the_claim(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = render_with_changed_card(ledger, tmp_path / "c.pdf", monkeypatch, 0, "9,999.99")
    code, report = verify(pdf)
    assert (code, report["verdict"]) == (6, "printed figures differ")
    assert "CO₂e avoided: printed 9,999.99 t CO₂e" in check(report, "printed figures")["message"]
    assert check(report, "recomputation")["status"] == "pass"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"org": "Other Gips A/S"}, "does not name the claim's organisation"),
        ({"year": "2023"}, "does not state the claim's year 2024"),
    ],
)
def test_a_retyped_organisation_or_year_is_caught(
    ledger: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: dict[str, str],
    words: str,
) -> None:
    """The page prints another organisation or year than its (true) claim."""
    real = certificate_module.certificate

    def retyped(*args: Any, **kwargs: Any) -> Any:
        made = real(*args, **kwargs)
        org = made.context.org
        context = replace(
            made.context,
            org=replace(org, name=change.get("org", org.name)),
            year=change.get("year", made.context.year),
        )
        return replace(made, context=context)

    monkeypatch.setattr(certificate_module, "certificate", retyped)
    pdf = make_certificate(ledger, tmp_path / "c.pdf", *NO_MONTE_CARLO)
    monkeypatch.undo()
    code, report = verify(pdf)
    assert (code, report["verdict"]) == (6, "printed figures differ")
    assert words in check(report, "printed figures")["message"]


def test_a_changed_figure_equal_to_another_card_is_still_caught(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """E1 diverts from landfill as much as it saves virgin material: both cards print the
    same text, so finding the figure anywhere on the page would not do."""
    saved = json.loads(
        attached_claim(make_certificate(ledger, tmp_path / "plain.pdf", *NO_MONTE_CARLO))
    )["credited"]["saved"]
    assert saved["virgin_material_t"] == saved["landfill_diverted_t"] > 0
    pdf = render_with_changed_card(ledger, tmp_path / "c.pdf", monkeypatch, 3, "0.00")
    code, report = verify(pdf)
    assert (code, report["verdict"]) == (6, "printed figures differ")
    assert "Diverted from landfill: printed 0.00 t" in check(report, "printed figures")["message"]


def forge_claim(monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    """Certificates made from now on carry a claim changed by ``change``, printed as such."""
    real_build = claims.build_claim

    def forged(*args: Any, **kwargs: Any) -> dict[str, Any]:
        claim = real_build(*args, **kwargs)
        change(claim)
        return claim

    monkeypatch.setattr(certificate_module.claims, "build_claim", forged)


def test_a_consistent_forgery_is_caught_by_recomputation(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claim and page agree on a doubled CO2e figure; the attached rows do not give it."""

    def doubled(claim: dict[str, Any]) -> None:
        claim["credited"]["saved"]["co2e_kg"] *= 2

    forge_claim(monkeypatch, doubled)
    pdf = make_certificate(ledger, tmp_path / "c.pdf", *NO_MONTE_CARLO)
    code, report = verify(pdf)
    assert (code, report["verdict"]) == (7, "recomputation differs")
    assert check(report, "printed figures")["status"] == "pass"
    assert "saved.co2e_kg" in check(report, "recomputation")["message"]


def test_rows_that_do_not_give_the_figures(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def tripled(claim: dict[str, Any]) -> None:
        for row in claim["ledger_rows"]["exchanges"]:
            row["quantity"] = str(float(row["quantity"]) * 3)

    forge_claim(monkeypatch, tripled)
    pdf = make_certificate(ledger, tmp_path / "c.pdf", *NO_MONTE_CARLO)
    code, report = verify(pdf)
    assert (code, report["verdict"]) == (7, "recomputation differs")


def test_a_forged_conservative_figure(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def raised(claim: dict[str, Any]) -> None:
        figures = claim["uncertainty"]["credited"]["co2e_kg"]
        figures["conservative"] = figures["deterministic"]

    forge_claim(monkeypatch, raised)
    pdf = make_certificate(ledger, tmp_path / "c.pdf", *MONTE_CARLO)
    code, report = verify(pdf)
    assert (code, report["verdict"]) == (7, "recomputation differs")
    message = check(report, "recomputation")["message"]
    assert "deterministic figures agree, Monte Carlo figures differ" in message
    assert "co2e_kg.conservative" in message


def test_factor_set_unavailable(signed: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", str(signed), "--json"])  # the default set is not tiny
    report = json.loads(result.output)
    assert (result.exit_code, report["verdict"]) == (8, "factor set unavailable")
    assert "tiny" in check(report, "recomputation")["message"]
    code, report = verify(signed, "--factors", str(tmp_path / "nowhere"))
    assert (code, report["verdict"]) == (8, "factor set unavailable")


def test_text_report_and_unreadable_inputs(signed: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", str(signed), "--factors", str(TINY_FACTORS)])
    assert result.exit_code == 0
    assert "valid" in result.output and "pass  recomputation" in result.output
    bogus = tmp_path / "bogus.pdf"
    bogus.write_text("not a pdf")
    result = runner.invoke(app, ["verify", str(bogus)])
    assert result.exit_code == 2 and "not a readable PDF" in result.output
    result = runner.invoke(app, ["verify", str(signed), "--key", str(bogus)])
    assert result.exit_code == 2 and "bogus.pdf" in result.output


def test_help_documents_the_exit_codes() -> None:
    result = runner.invoke(app, ["verify", "--help"], env={"COLUMNS": "200"})
    text = " ".join(result.output.split())
    for words in (
        "0 valid",
        "3 unsigned",
        "4 signature invalid",
        "5 attachment altered",
        "6 printed figures differ",
        "7 recomputation differs",
        "8 factor set unavailable",
        "9 double claims found",
    ):
        assert words in text


def test_signed_certificates_of_a_batch_verify(
    ledger: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        [
            "certificates",
            str(ledger),
            "--factors",
            str(TINY_FACTORS),
            "--year",
            "2024",
            "-o",
            str(tmp_path),
            "--jobs",
            "1",
            *MONTE_CARLO,
            "--key",
            str(keys["key"]),
        ],
    )
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.glob("*.pdf"))
    assert [pdf.name for pdf in written] == ["certificate-2024-REC.pdf", "certificate-2024-SUP.pdf"]
    for pdf in written:
        assert "uncertainty" in json.loads(attached_claim(pdf))
        code, report = verify(pdf, "--key", str(keys["pub"]))
        assert (code, report["verdict"]) == (0, "valid"), report


def test_a_statement_is_not_a_certificate(ledger: Path, tmp_path: Path) -> None:
    statement = tmp_path / "statement.pdf"
    made = CliRunner().invoke(app, ["statement", str(ledger), "--factors", str(TINY_FACTORS),
                                    "--org", "SUP", "--year", "2024",
                                    "-o", str(statement)])  # fmt: skip
    assert made.exit_code == 0, made.output
    code, report = verify(statement)
    assert (code, report["verdict"]) == (10, "not a certificate")
    assert "not a certificate" in check(report, "attachment")["message"]


def test_a_modified_factor_set_under_the_official_name_is_named(
    ledger: Path, tmp_path: Path
) -> None:
    """The same id and version, gypsum at 130 instead of 120: "factor set differs"."""
    pdf = make_certificate(ledger, tmp_path / "c.pdf", *NO_MONTE_CARLO)
    copy = tmp_path / "factors"
    shutil.copytree(TINY_FACTORS, copy)
    table = (copy / "activities.csv").read_text(encoding="utf-8")
    (copy / "activities.csv").write_text(
        table.replace("prod.gypsum,gypsum production,production,t,GLO,120,",
                      "prod.gypsum,gypsum production,production,t,GLO,130,"),
        encoding="utf-8",
    )  # fmt: skip
    result = CliRunner().invoke(app, ["verify", str(pdf), "--factors", str(copy), "--json"])
    report = json.loads(result.output)
    assert (result.exit_code, report["verdict"]) == (11, "factor set differs")
    assert "prod.gypsum co2e_kg 120.0 here 130.0" in check(report, "factor set")["message"]
    assert "recomputation" not in [c["name"] for c in report["checks"]]


def test_a_certificate_of_the_first_claim_schema_still_verifies() -> None:
    """tests/fixtures/legacy-certificate-claim1.pdf was made by isbenefit before the wording
    rules (claim schema /1, "Certificate id", "certified (...)" labels, no hazardous card):
    verify reads it as it was printed and recomputes it."""
    legacy = REPO / "tests" / "fixtures" / "legacy-certificate-claim1.pdf"
    assert json.loads(attached_claim(legacy))["schema"] == "isbenefit.claim/1"
    code, report = verify(legacy)
    assert (code, report["verdict"]) == (3, "unsigned")
    assert [c["status"] for c in report["checks"]] == [
        "pass",
        "skip",
        "skip",
        "pass",
        "pass",
        "pass",
    ]
    assert "certified (conservative, P5 of 50" in check(report, "printed figures")["message"]


def test_a_signed_certificate_names_the_issuer_of_its_key(
    ledger: Path, keys: dict[str, Path], tmp_path: Path
) -> None:
    pdf = make_certificate(ledger, tmp_path / "c.pdf", *NO_MONTE_CARLO, "--key", str(keys["key"]))
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "Issued by Test issuer on 2025-01-01" in text
    unsigned = make_certificate(ledger, tmp_path / "u.pdf", *NO_MONTE_CARLO, "--issuer", "Gips")
    assert "Issued by Gips (unsigned) on" in " ".join(
        PdfReader(unsigned).pages[0].extract_text().split()
    )
    both = runner.invoke(app, ["certificate", str(ledger), "--factors", str(TINY_FACTORS),
                               "--org", "SUP", "--year", "2024", "--key", str(keys["key"]),
                               "--issuer", "Free text", "-o", str(tmp_path / "b.pdf")])  # fmt: skip
    assert both.exit_code == 2 and "--issuer is for unsigned certificates" in both.output


def test_an_edited_issuer_record_fails(ledger: Path, keys: dict[str, Path], tmp_path: Path) -> None:
    signed = make_certificate(
        ledger, tmp_path / "c.pdf", *NO_MONTE_CARLO, "--key", str(keys["key"])
    )
    record = json.loads(PdfReader(signed).attachments["signature.json"][0])
    record["issuer"]["name"] = "Somebody else"
    forged = rewrite_attachments(
        signed, tmp_path / "f.pdf", {"signature.json": json.dumps(record).encode()}
    )
    code, report = verify(forged)
    assert (code, report["verdict"]) == (4, "signature invalid")
    assert "not signed by its key" in check(report, "signature")["message"]


def test_a_key_outside_its_validity_does_not_sign(ledger: Path, tmp_path: Path) -> None:
    new_key_pair(tmp_path / "old.key", tmp_path / "old.pub", "Old office",
                 today=date(2010, 1, 1), valid_days=365)  # fmt: skip
    old = str(tmp_path / "old.key")
    result = runner.invoke(app, ["certificate", str(ledger), "--factors", str(TINY_FACTORS),
                                 "--org", "SUP", "--year", "2024", "--key", old,
                                 "-o", str(tmp_path / "c.pdf")])  # fmt: skip
    assert result.exit_code == 1
    assert "may sign from 2010-01-01 until 2011-01-01" in " ".join(result.output.split())
    assert not (tmp_path / "c.pdf").exists()


def test_an_issuer_record_that_is_no_object_is_an_invalid_signature(
    signed: Path, tmp_path: Path
) -> None:
    data = json.loads(PdfReader(signed).attachments["signature.json"][0])
    data["issuer"] = "abc"
    swapped = rewrite_attachments(
        signed, tmp_path / "s.pdf", {"signature.json": json.dumps(data).encode()}
    )
    code, report = verify(swapped)
    assert (code, report["verdict"]) == (4, "signature invalid")
    assert "issuer record is unreadable" in check(report, "signature")["message"]
    assert check(report, "PDF signature")["status"] == "fail"
