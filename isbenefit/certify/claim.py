"""A certificate's claim: its canonical bytes, its hash and its id.

The claim is everything a certificate asserts, and nothing about how or when it
was printed: the organisation, the year, its credited figures, the exchanges
they come from (with their calculation lines), the factors and sources used,
and the ledger rows those exchanges rest on. Its canonical JSON (RFC 8785, the JSON
Canonicalization Scheme; claims of schema /1 used Python's sorted, compact JSON) is
hashed with SHA-256; the certificate id is ``ISB-`` and the first 16 hex digits of that
hash, upper case. The same claim always gets the same id; any changed figure, row or
factor gives another.

Left out on purpose, because they do not change what is claimed: the issuer,
the render time, the isbenefit version, the ledger's file name and whole-file
hash (rows of other organisations), and the factor set's whole-folder hash
(the factors used are in the claim with their values).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rfc8785

from isbenefit import reported
from isbenefit.messages import SOURCE_LANGUAGE

if TYPE_CHECKING:
    from isbenefit.api import Assessment
    from isbenefit.engine.uncertainty import MonteCarloSettings
    from isbenefit.scoring.source import FactorSource

# /2: pages state figures (no "certified" wording, a hazardous-waste card); /3: pages also
# name the exchanges with their baselines, shares and flags (certify.exchanges_stated).
# Pages of earlier schemas are still checked against what they printed (certify.issue).
CLAIM_SCHEMA = "isbenefit.claim/3"
LEGACY_SCHEMA = "isbenefit.claim/1"
EARLIER_SCHEMAS = frozenset({LEGACY_SCHEMA, "isbenefit.claim/2"})
# How the page rounds the stated figures (reported.supported_decimals, the rule of every
# reported figure). Claims
# made before it carry no "rounding" and print fixed decimals.
ROUNDING_BY_UNCERTAINTY = "uncertainty/1"
CLAIM_FILE = "claim.json"
SIGNATURE_FILE = "signature.json"  # the issuer's Ed25519 signature of claim.json
ID_PREFIX = reported.ID_PREFIX
ID_HEX_DIGITS = reported.ID_HEX_DIGITS
LedgerRows = Mapping[str, Sequence[Mapping[str, str]]]
# The results JSON as a dict: the claim copies parts of it verbatim.
Results = Mapping[str, Any]


# Deeper than any claim isbenefit writes (about six levels); refused before parsing.
MAX_CLAIM_DEPTH = 32
MAX_CLAIM_BYTES = 64 * 1024 * 1024


class ClaimError(ValueError):
    """A claim.json that is not a claim: what is wrong, in words for the verdict."""


def load_claim(raw: bytes) -> dict[str, Any]:
    """The claim in ``raw``; ClaimError when it is not strict JSON (NaN and Infinity are
    not JSON), nests deeper than any claim, or lacks a claim's fields and their types."""
    if len(raw) > MAX_CLAIM_BYTES:
        raise ClaimError(f"claim.json has {len(raw):,} bytes, more than any claim")
    if _nesting(raw) > MAX_CLAIM_DEPTH:
        raise ClaimError(f"claim.json nests deeper than {MAX_CLAIM_DEPTH} levels")

    def refuse(name: str) -> None:
        raise ClaimError(f"claim.json holds {name}, which is not JSON")

    try:
        claim = json.loads(raw, parse_constant=refuse)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ClaimError(f"claim.json is not JSON ({error})") from None
    if not isinstance(claim, dict):
        raise ClaimError("claim.json is not a JSON object")
    problem = claim_shape_problem(claim)
    if problem:
        raise ClaimError(problem)
    try:  # 1e400 parses as infinity, and integers may exceed what JSON numbers hold
        canonical_json(claim)
    except (rfc8785.CanonicalizationError, ValueError, TypeError) as error:
        raise ClaimError(f"claim.json holds a number no claim can ({error})") from None
    return claim


def _nesting(raw: bytes) -> int:
    """The deepest nesting of brackets outside strings (counted without parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


# The fields every check reads, with the JSON type each must have.
_SHAPE: tuple[tuple[tuple[str, ...], type | tuple[type, ...]], ...] = (
    (("schema",), str),
    (("year",), str),
    (("currency",), str),
    (("factor_set",), dict),
    (("factor_set", "id"), str),
    (("factor_set", "version"), str),
    (("organisation",), dict),
    (("organisation", "id"), str),
    (("credited",), dict),
    (("credited", "saved"), dict),
    (("credited", "money"), (int, float)),
    (("exchanges",), list),
    (("ledger_rows",), dict),
)
_EXCHANGE_SHAPE: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("id", str),
    ("supplier", str),
    ("receiver", str),
    ("period_start", str),
    ("period_end", str),
    ("supplier_share", (int, float)),
    ("years", dict),
    ("saved", dict),
)


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    return isinstance(value, kind) and not isinstance(value, bool)  # JSON true is no number


def claim_shape_problem(claim: Mapping[str, Any]) -> str | None:
    """Why ``claim`` lacks the fields or types of a claim, or None."""
    for path, kind in _SHAPE:
        value: Any = claim
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return "claim.json lacks " + ".".join(path)
            value = value[key]
        if not _is(value, kind):
            return f"claim.json has {'.'.join(path)} of the wrong type ({type(value).__name__})"
    return _parts_problem(claim)


def _parts_problem(claim: Mapping[str, Any]) -> str | None:
    for name, value in claim["credited"]["saved"].items():
        if not _is(value, (int, float)):
            return f"claim.json has credited.saved.{name} of the wrong type"
    for number, exchange in enumerate(claim["exchanges"]):
        if not isinstance(exchange, dict):
            return f"claim.json has exchange {number} that is not an object"
        for key, kind in _EXCHANGE_SHAPE:
            if not _is(exchange.get(key), kind):
                return f"claim.json has exchanges[{number}].{key} missing or of the wrong type"
    for sheet, rows in claim["ledger_rows"].items():
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            return f"claim.json has ledger_rows.{sheet} that is not a list of rows"
    return None


def canonical_json(value: Any) -> bytes:
    """Canonical JSON bytes: RFC 8785 (JSON Canonicalization Scheme), so that anyone can
    rebuild and hash a claim in any language; a claim of the first schema keeps the form
    it was hashed in (Python's sorted, compact JSON)."""
    if isinstance(value, Mapping) and value.get("schema") == LEGACY_SCHEMA:
        return legacy_canonical_json(value)
    return rfc8785.dumps(value)


def legacy_canonical_json(value: Any) -> bytes:
    """The canonical form of isbenefit.claim/1: sorted keys, compact separators, UTF-8."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def claim_exchange_ids(results: Results, org_id: str, year: str) -> list[str]:
    """Ids of the exchanges a claim of ``org_id`` for ``year`` rests on."""
    return [str(e["id"]) for e in _claimed_exchanges(results, org_id, year)]


def _claimed_exchanges(results: Results, org_id: str, year: str) -> list[Mapping[str, Any]]:
    """The exchange records of ``org_id`` with a part of their period in ``year``, in
    results order (the exchanges its credits in that year come from)."""
    return [
        e
        for e in results["exchanges"]
        if float(e["years"].get(year, 0.0)) > 0.0 and org_id in (e["supplier"], e["receiver"])
    ]


def _organisation(results: Results, org_id: str) -> Mapping[str, Any]:
    """The organisation record of ``org_id`` (callers check first that there is one)."""
    for org in results["organisations"]:
        if org["id"] == org_id:
            return dict(org)
    raise ValueError(f"the results have no organisation {org_id!r}")


def build_claim(
    results: Results,
    org_id: str,
    year: str,
    ledger_rows: LedgerRows,
    year_version: int | None = None,
    lang: str = SOURCE_LANGUAGE,
) -> dict[str, Any]:
    """The claim of ``org_id`` for ``year`` (see the module docstring).

    ``year_version``: the version of the closed year the claim rests on (the service's
    certificates), so that a restated year's certificates are other claims with other ids.
    ``lang``: the language the page is printed in; a claim names it unless it is English,
    so that `verify` reads the page in its language and the language is part of the id.
    """
    org = _organisation(results, org_id)
    exchanges = _claimed_exchanges(results, org_id, year)
    used = {str(line["activity"]) for e in exchanges for line in e["lines"]}
    factors = [f for f in results["factors"] if str(f["id"]) in used]
    cited = {str(f["source"]) for f in factors}
    return {
        "schema": CLAIM_SCHEMA,
        "year": year,
        "currency": results["currency"],
        "factor_set": {
            "id": results["factor_set"]["id"],
            "version": results["factor_set"]["version"],
        },
        "organisation": {key: org.get(key) for key in ("id", "name", "country", "sme")},
        "credited": org["years"][year],
        "exchanges": exchanges,
        "factors": factors,
        "sources": [s for s in results["sources"] if str(s["key"]) in cited],
        "ledger_rows": {sheet: list(rows) for sheet, rows in sorted(ledger_rows.items())},
        "rounding": ROUNDING_BY_UNCERTAINTY,
        **_uncertainty_part(results, org_id, year),
        **({"year_version": year_version} if year_version is not None else {}),
        **({"language": lang} if lang != SOURCE_LANGUAGE else {}),
    }


def _uncertainty_part(results: Results, org_id: str, year: str) -> dict[str, Any]:
    """The Monte Carlo settings and this organisation-year's ranges, when a run was made.

    With them the conservative figures are the certified ones, so they belong to the
    claim: another seed or percentile gives another certificate id.
    """
    uncertainty = results.get("uncertainty")
    if not uncertainty:
        return {}
    settings = ("method", "iterations", "seed", "conservative_percentile", "quantity_gsd")
    # Scheme 1 wrote no draw_scheme: its claims keep the bytes they were made with.
    scheme = uncertainty.get("draw_scheme", 1)
    return {
        "uncertainty": {
            **{key: uncertainty[key] for key in settings},
            **({"draw_scheme": scheme} if scheme != 1 else {}),
            "credited": uncertainty["organisation_years"][f"{org_id}/{year}"],
        }
    }


def certified_saved(claim: Mapping[str, Any]) -> dict[str, float]:
    """The saved figures a claim certifies: the conservative ones when Monte Carlo was run."""
    saved = dict(claim["credited"]["saved"])
    ranges = claim.get("uncertainty", {}).get("credited", {})
    return {
        key: float(ranges[key]["conservative"]) if key in ranges else float(value)
        for key, value in saved.items()
    }


def claim_sha256(claim: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(claim)).hexdigest()


def certificate_id(sha256_hex: str) -> str:
    return reported.certificate_id(sha256_hex)


def qr_payload(cert_id: str, sha256_hex: str) -> str:
    """What the QR code carries: the certificate id and the full claim hash."""
    return f"{cert_id} sha256:{sha256_hex}"


def ledger_csvs(ledger_rows: LedgerRows) -> dict[str, bytes]:
    """The ledger rows as one CSV per sheet (a ledger folder ``assess`` can read).

    Bookkeeping keys starting with ``_`` (the source row number) are left out.
    """
    files = {}
    for sheet, rows in sorted(ledger_rows.items()):
        if not rows:
            continue
        columns = list(
            dict.fromkeys(key for row in rows for key in row if not str(key).startswith("_"))
        )
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)
        files[f"{sheet}.csv"] = buffer.getvalue().encode("utf-8")
    return files


def assess_ledger_rows(
    ledger_rows: LedgerRows,
    source: FactorSource,
    currency: str,
    monte_carlo: MonteCarloSettings | None,
) -> Assessment:
    """Assess some rows of a ledger on their own (written as CSVs to a temporary folder).

    An organisation's figures come out as in the whole ledger: exchanges are computed
    one by one, and each draws its Monte Carlo quantities from a stream of its own id
    while factor draws cover the whole factor set. So a certificate's Monte Carlo run
    needs only its organisation's rows, and `verify` recomputes from the same rows.
    ``source`` gives the scores (the run's own source: its factor set is loaded once).
    """
    from isbenefit.api import assess

    with tempfile.TemporaryDirectory(prefix="isbenefit-rows-") as folder:
        for name, data in ledger_csvs(ledger_rows).items():
            (Path(folder) / name).write_bytes(data)
        return assess(folder, factors=source, currency=currency, monte_carlo=monte_carlo)


def read_attachments(pdf: Path | str | io.BytesIO) -> dict[str, bytes]:
    """The files attached to a PDF, by name (first version of each)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    return {name: contents[0] for name, contents in reader.attachments.items() if contents}
