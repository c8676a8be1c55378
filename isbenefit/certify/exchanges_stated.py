"""What a certificate states of the exchanges behind its figures, from its claim alone.

For each exchange (the largest by credited CO2e when more than fit): its id, what its
stream replaced or avoided, the baseline activities scored with their locations (a
regional variant named as such), the share credited to the organisation, and a short
mark per flag (results.flags) with a legend. Claims before isbenefit.claim/3 printed no
table; ``isbenefit verify`` rebuilds it from claim.json to compare with the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from isbenefit import messages
from isbenefit.certify import claim as claims
from isbenefit.documents import numbers
from isbenefit.documents.certificate import ExchangeRow, ExchangeTable
from isbenefit.messages import say, say_n
from isbenefit.reported import flag_mark

# All exchanges of a certificate fit on its page up to this many; beyond, the largest.
MAX_ROWS = 20
# Longest text of a cell: longer names are cut (the claim has them whole), so that every
# row keeps to a line or two and the page to one.
ID_CHARS = 20
REPLACED_CHARS = 40
BASELINE_CHARS = 52
BASELINE_ROLES = ("baseline_supply", "baseline_disposal")


def prints_exchanges(claim: Mapping[str, Any]) -> bool:
    """Whether the claim's page prints the table (claims from isbenefit.claim/3 on)."""
    return claim.get("schema") not in claims.EARLIER_SCHEMAS


def stated_exchanges(claim: Mapping[str, Any]) -> ExchangeTable | None:
    """The table of exchanges the claim's page prints, or None before claim/3."""
    if not prints_exchanges(claim):
        return None
    org, year = str(claim["organisation"]["id"]), str(claim["year"])
    locations = {str(f["id"]): str(f.get("location") or "") for f in claim.get("factors", [])}
    ranked = sorted(
        claim["exchanges"],
        key=lambda e: (-abs(_credited_co2e(e, org, year)), str(e["id"])),
    )
    shown, rest = ranked[:MAX_ROWS], ranked[MAX_ROWS:]
    more = ""
    if rest:
        tonnes = sum(_credited_co2e(e, org, year) for e in rest) / 1000
        more = say_n(
            messages.EXCHANGES_MORE,
            messages.EXCHANGES_MORE_MANY,
            len(rest),
            co2e=numbers.tonnes(tonnes),
        )
    codes = [str(flag.get("code")) for e in shown for flag in e.get("flags") or ()]
    used = [code for code in (*messages.FLAG_MARKS, *sorted(set(codes))) if code in codes]
    return ExchangeTable(
        heading=say(messages.EXCHANGES_HEADING),
        columns=tuple(say(column) for column in messages.EXCHANGE_COLUMNS),
        rows=tuple(_row(e, org, locations) for e in shown),
        more=more,
        legend=tuple(dict.fromkeys(_legend(code) for code in used)),
    )


def _credited_share(exchange: Mapping[str, Any], org: str) -> float:
    share = float(exchange["supplier_share"])
    return (share if exchange["supplier"] == org else 0.0) + (
        1.0 - share if exchange["receiver"] == org else 0.0
    )


def _credited_co2e(exchange: Mapping[str, Any], org: str, year: str) -> float:
    part = float(exchange["years"].get(year, 0.0))
    return float(exchange["saved"].get("co2e_kg", 0.0)) * part * _credited_share(exchange, org)


def _row(exchange: Mapping[str, Any], org: str, locations: Mapping[str, str]) -> ExchangeRow:
    marks = dict.fromkeys(flag_mark(str(flag.get("code"))) for flag in exchange.get("flags") or ())
    return ExchangeRow(
        id=clip(str(exchange["id"]), ID_CHARS),
        replaced=clip(_replaced(exchange), REPLACED_CHARS),
        baseline=clip("; ".join(_baselines(exchange, locations)), BASELINE_CHARS),
        share=numbers.percent(_credited_share(exchange, org)),
        marks=" ".join(marks),
    )


def _replaced(exchange: Mapping[str, Any]) -> str:
    resource = str(exchange.get("resource") or exchange["id"])
    supply = str(exchange.get("baseline_supply") or "")
    disposal = str(exchange.get("baseline_disposal") or "")
    if supply and disposal:
        return say(messages.EXCHANGE_BOTH, resource=resource, supply=supply, disposal=disposal)
    if supply:
        return say(messages.EXCHANGE_REPLACES, resource=resource, activity=supply)
    if disposal:
        return say(messages.EXCHANGE_AVOIDS, resource=resource, activity=disposal)
    return say(messages.EXCHANGE_STREAM, resource=resource)


def _baselines(exchange: Mapping[str, Any], locations: Mapping[str, str]) -> list[str]:
    """Each baseline activity the results scored, with its location; a regional variant
    chosen for the party's country names the generic activity it replaces."""
    found = []
    for role in BASELINE_ROLES:
        line = next((ln for ln in exchange.get("lines", ()) if ln.get("role") == role), None)
        if line is None:
            continue
        activity, generic = str(line["activity"]), str(exchange.get(role) or "")
        location = locations.get(activity) or "?"
        if generic and generic != activity:
            found.append(
                say(
                    messages.BASELINE_VARIANT, activity=activity, location=location, generic=generic
                )
            )
        else:
            found.append(say(messages.BASELINE_SCORED, activity=activity, location=location))
    return found


def _legend(code: str) -> str:
    if code in messages.FLAG_LEGEND:
        return say(messages.FLAG_LEGEND[code], mark=flag_mark(code))
    return say(messages.FLAG_LEGEND_OTHER, mark=flag_mark(code), code=code)


def clip(text: str, most: int) -> str:
    """``text`` on one line, cut to ``most`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1].rstrip() + "\u2026"
