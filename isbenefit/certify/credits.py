"""One document crediting one party a share of an exchange over some days.

A certificate credits its organisation the organisation's share (`supplier_share`, or the
rest for the receiver) of each exchange of its claim for the part of the exchange's period
inside the certificate's year; a ledger credits each exchange whole (the supplier its
share, the receiver the rest) over its period. See certify.double_claims.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from isbenefit.engine.core import Party, credit_share


@dataclass(frozen=True)
class Credit:
    """One document crediting one party a share of an exchange over some days."""

    document: str
    exchange: str
    supplier: str
    receiver: str
    party: str
    share: float
    start: dt.date  # credited days, inclusive
    end: dt.date
    period: tuple[dt.date, dt.date]  # the exchange period the document records
    # The exchange as recorded (see _record), and whether a ledger records it: a
    # certificate's credit of the same record stands for the ledger's credit of its party.
    record: tuple[Any, ...] = ()
    from_ledger: bool = False
    # The certificate id and its signer's fingerprint of a certificate's credit: copies of
    # one certificate (its PDF, its entry in a register) are one claim. Empty for a ledger.
    certificate: str = ""
    # A translated certificate's (its claim names a language): the id and signer the claim
    # has in English. The same claim in two languages is one claim, not two.
    translation_of: str = ""
    # The file the credit comes from (a register holds many certificates): exchanges are
    # matched across files by what they are, not only by their ids.
    source: str = ""


def record_of(exchange: dict[str, Any]) -> tuple[Any, ...]:
    """An exchange as recorded, the same whether read from a claim or from a ledger."""
    return (
        str(exchange["id"]),
        str(exchange["supplier"]),
        str(exchange["receiver"]),
        str(exchange["period_start"]),
        str(exchange["period_end"]),
        str(exchange["resource"]),
        float(exchange["quantity"]),
        str(exchange["unit"]),
        float(exchange["supplier_share"]),
    )


def claim_credit(
    name: str,
    claim: dict[str, Any],
    exchange: dict[str, Any],
    certificate: str = "",
    source: str = "",
) -> Credit:
    """A certificate credits its organisation's share for the exchange's days in its year."""
    org, year = str(claim["organisation"]["id"]), int(claim["year"])
    period = (
        dt.date.fromisoformat(exchange["period_start"]),
        dt.date.fromisoformat(exchange["period_end"]),
    )
    share = float(exchange["supplier_share"])
    return Credit(
        name,
        str(exchange["id"]),
        str(exchange["supplier"]),
        str(exchange["receiver"]),
        org,
        credit_share(share, Party.SUPPLIER if org == exchange["supplier"] else Party.RECEIVER),
        max(period[0], dt.date(year, 1, 1)),
        min(period[1], dt.date(year, 12, 31)),
        period,
        record_of(exchange) if {"resource", "quantity", "unit"} <= exchange.keys() else (),
        certificate=certificate,
        source=source or name,
    )
