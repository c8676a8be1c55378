"""`isbenefit register`: a folder of certificates and a status list as a public register
(CSV, JSON), and `verify --claims` comparing the registers of two clusters."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isbenefit.certify import claim as claims
from isbenefit.certify import register as register_module
from isbenefit.certify.signing import fingerprint, load_public_key
from isbenefit.cli.app import app
from tests.certificate_helpers import EPOCH, attached_claim, new_test_key
from tests.conftest import TINY_FACTORS, F, exchange, write_ledger

runner = CliRunner()
# Every exchange of these tests: 100 t of FGD gypsum replacing natural gypsum.
GYPSUM_T = 100.0


def certify(ledger: Path, org: str, out: Path, key: Path | None) -> str:
    """A certificate of ``org`` for 2024 (no Monte Carlo run); its id."""
    signed = ["--key", str(key)] if key else []
    out.parent.mkdir(parents=True, exist_ok=True)
    result = runner.invoke(
        app,
        ["certificate", str(ledger), "--factors", str(TINY_FACTORS), "--org", org,
         "--year", "2024", "--iterations", "0", "-o", str(out), *signed],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return claims.certificate_id(hashlib.sha256(attached_claim(out)).hexdigest())


def export(folder: Path, out: Path, *status: Path) -> tuple[int, str]:
    given = [item for path in status for item in ("--status", str(path))]
    result = runner.invoke(app, ["register", str(folder), "-o", str(out), *given])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """One issuer: SUP's and REC's certificates (70 % / 30 %), a statement, and SUP's
    certificate revoked in the status list."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield _cluster(tmp_path_factory.mktemp("cluster-a"))


def _cluster(tmp_path: Path) -> dict[str, object]:
    new_test_key(tmp_path / "a.key", tmp_path / "a.pub", "Cluster A office")
    row = exchange(baseline_supply="prod.gypsum", supplier_share="0.7")
    ledger = write_ledger(tmp_path / "ledger-a", [row])
    docs = tmp_path / "docs"
    docs.mkdir()
    sup = certify(ledger, "SUP", docs / "sup.pdf", tmp_path / "a.key")
    rec = certify(ledger, "REC", docs / "nested" / "rec.pdf", tmp_path / "a.key")
    result = runner.invoke(
        app,
        ["statement", str(ledger), "--factors", str(TINY_FACTORS), "--org", "SUP",
         "--year", "2024", "-o", str(docs / "statement.pdf")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    status = tmp_path / "status-a.json"
    result = runner.invoke(
        app,
        ["revoke", sup, "--key", str(tmp_path / "a.key"), "--status", str(status),
         "--reason", "meter misread"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    key = fingerprint(load_public_key(tmp_path / "a.pub"))
    return {"docs": docs, "sup": sup, "rec": rec, "status": status, "key": key, "row": row}


def test_the_csv_lists_every_certificate_with_its_status_and_history(
    cluster: dict, tmp_path: Path
) -> None:
    code, output = export(cluster["docs"], tmp_path / "register.csv", cluster["status"])
    assert code == 0, output
    assert "skipped statement.pdf: no claim attached" in output
    with (tmp_path / "register.csv").open(encoding="utf-8") as handle:
        rows = {row["serial"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {cluster["sup"], cluster["rec"]}
    sup, rec = rows[cluster["sup"]], rows[cluster["rec"]]
    # 100 t replacing natural gypsum (120 kg CO2e/t), no other line: 12 t CO2e saved;
    # SUP is credited 70 %, REC 30 %.
    saved_t = GYPSUM_T * F["prod.gypsum"][0] / 1000
    assert float(sup["co2e_t"]) == pytest.approx(0.7 * saved_t)
    assert float(rec["co2e_t"]) == pytest.approx(0.3 * saved_t)
    assert (sup["organisation_id"], sup["year"], sup["year_version"]) == ("SUP", "2024", "")
    assert sup["issued_on"] == "2025-01-01"  # SOURCE_DATE_EPOCH
    assert (sup["status"], rec["status"]) == ("revoked", "valid")
    assert sup["status_history"] == "issued 2025-01-01; revoked 2025-01-01: meter misread"
    assert rec["status_history"] == "issued 2025-01-01"
    assert sup["issuer"] == "Cluster A office" and sup["issuer_fingerprint"] == cluster["key"]
    assert rec["pdf"] == "nested/rec.pdf" and sup["exchanges"] == "E1"
    assert sup["basis"] == "deterministic figure (no Monte Carlo run)"


def test_the_csv_neutralises_text_a_spreadsheet_would_run(cluster: dict, tmp_path: Path) -> None:
    """An organisation named like a formula gets a leading quote; figures stay numbers."""
    code, output = export(cluster["docs"], tmp_path / "register.json", cluster["status"])
    assert code == 0, output
    entries = json.loads((tmp_path / "register.json").read_text(encoding="utf-8"))["certificates"]
    entries[0]["organisation"] = {"id": "@SUM(A1)", "name": '=HYPERLINK("http://x","y")'}
    entries[0]["figures"][0]["stated"] = "\u22121,234.5"
    (row,) = csv.DictReader(io.StringIO(register_module.as_csv(entries[:1]).decode("utf-8")))
    assert row["organisation"] == '\'=HYPERLINK("http://x","y")'
    assert row["organisation_id"] == "'@SUM(A1)"
    assert row[register_module.FIGURE_COLUMNS[entries[0]["figures"][0]["quantity"]]] == "-1234.5"


def test_the_json_carries_figures_with_units_and_the_exchanges(
    cluster: dict, tmp_path: Path
) -> None:
    code, output = export(cluster["docs"], tmp_path / "register.json", cluster["status"])
    assert code == 0, output
    data = json.loads((tmp_path / "register.json").read_text(encoding="utf-8"))
    assert data["schema"] == "isbenefit.register/1"
    entry = next(e for e in data["certificates"] if e["serial"] == cluster["rec"])
    co2e = next(f for f in entry["figures"] if f["unit"] == "t CO\u2082e")
    assert co2e["value"] == pytest.approx(0.3 * GYPSUM_T * F["prod.gypsum"][0] / 1000)
    (recorded,) = entry["exchanges"]
    row = cluster["row"]
    assert recorded == {
        "id": "E1",
        "supplier": "SUP",
        "receiver": "REC",
        "period_start": row["period_start"],
        "period_end": row["period_end"],
        "resource": row["resource"],
        "quantity": GYPSUM_T,
        "unit": "t",
        "supplier_share": 0.7,
    }
    # The same bytes again (a register is reproducible).
    first = (tmp_path / "register.json").read_bytes()
    export(cluster["docs"], tmp_path / "register.json", cluster["status"])
    assert (tmp_path / "register.json").read_bytes() == first


def test_without_a_status_list_every_certificate_is_listed_valid(
    cluster: dict, tmp_path: Path
) -> None:
    code, output = export(cluster["docs"], tmp_path / "register.csv")
    assert code == 0
    assert f"no --status list of the key {cluster['key']}" in output
    text = (tmp_path / "register.csv").read_text(encoding="utf-8")
    assert "revoked" not in text


def test_bad_input_writes_nothing(cluster: dict, tmp_path: Path) -> None:
    out = tmp_path / "register.csv"
    code, output = export(cluster["docs"], tmp_path / "register.txt")
    assert code == 2 and "as .csv or .json" in output
    code, output = export(tmp_path / "nowhere", out)
    assert code == 2 and "no such folder" in output
    status = json.loads(cluster["status"].read_text(encoding="utf-8"))
    status["entries"][0]["reason"] = "a better reason"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(status), encoding="utf-8")
    code, output = export(cluster["docs"], out, edited)
    assert code == 2
    assert "edited.json" in output and "entry 1 is not signed by the list's key" in output
    assert not out.exists()


def register_of(folder: Path, out: Path, *status: Path) -> Path:
    code, output = export(folder, out, *status)
    assert code == 0, output
    return out


def claims_report(folder: Path) -> tuple[int, dict]:
    result = runner.invoke(app, ["verify", "--claims", str(folder), "--json"])
    return result.exit_code, json.loads(result.output)


def test_an_exchange_claimed_in_two_clusters_registers_is_found(
    cluster: dict, tmp_path: Path
) -> None:
    """Cluster B records cluster A's exchange E1 as B-17 (receiver's share 40 %), the
    resource written in other case and spacing: A's SUP (70 %, revoked) is not counted,
    A's REC 30 % and B's REC 40 % are the same receiver credited twice, with B's SUP 60 %:
    130 %. With A's SUP certificate still valid, 200 %."""
    new_test_key(tmp_path / "b.key", tmp_path / "b.pub", "Cluster B office")
    row_b = {
        **cluster["row"],
        "id": "B-17",
        "supplier_share": "0.6",
        "resource": "  fgd GYPSUM ",
    }
    ledger_b = write_ledger(tmp_path / "ledger-b", [row_b])
    docs_b = tmp_path / "docs-b"
    docs_b.mkdir()
    certify(ledger_b, "SUP", docs_b / "sup.pdf", tmp_path / "b.key")
    certify(ledger_b, "REC", docs_b / "rec.pdf", tmp_path / "b.key")
    funder = tmp_path / "funder"
    funder.mkdir()
    register_of(cluster["docs"], funder / "cluster-a.json", cluster["status"])
    register_of(docs_b, funder / "cluster-b.json")
    code, report = claims_report(funder)
    assert code == 9, report
    (finding,) = [f for f in report["findings"] if f["kind"] == "over-credited"]
    assert finding["total_share"] == pytest.approx(0.3 + 0.6 + 0.4)
    assert "(as exchange B-17)" in finding["description"]
    assert f"cluster-a.json {cluster['rec']}: REC 30%" in finding["description"]
    assert report["skipped"] == [f"cluster-a.json: {cluster['sup']} is revoked, not counted"]
    register_of(cluster["docs"], funder / "cluster-a.json")  # no status list: SUP counts
    code, report = claims_report(funder)
    (finding,) = [f for f in report["findings"] if f["kind"] == "over-credited"]
    assert finding["total_share"] == pytest.approx(2.0)


def test_another_exchange_between_the_same_parties_is_no_double_claim(
    cluster: dict, tmp_path: Path
) -> None:
    """Same parties, period and resource but another quantity: another exchange."""
    new_test_key(tmp_path / "b.key", tmp_path / "b.pub", "Cluster B office")
    row_b = {**cluster["row"], "id": "B-17", "quantity": "80"}
    docs_b = tmp_path / "docs-b"
    certify(write_ledger(tmp_path / "ledger-b", [row_b]), "SUP", docs_b / "s.pdf", None)
    funder = tmp_path / "funder"
    funder.mkdir()
    register_of(cluster["docs"], funder / "cluster-a.json", cluster["status"])
    register_of(docs_b, funder / "cluster-b.json")
    assert claims_report(funder)[0] == 0


def test_a_register_beside_its_own_certificates_counts_each_once(
    cluster: dict, tmp_path: Path
) -> None:
    """The funder keeps cluster A's PDFs and A's register: one claim per certificate; the
    ledger they were made from beside them adds nothing either."""
    docs = tmp_path / "docs"
    shutil.copytree(cluster["docs"], docs)
    register_of(docs, docs / "register.json")
    write_ledger(docs / "ledger", [cluster["row"]])
    code, report = claims_report(docs)
    assert (code, report["findings"]) == (0, []), report
    assert "register.json " + cluster["sup"] in report["documents"]
