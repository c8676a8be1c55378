"""The benefit statement of a shared ledger: the statement, then who confirmed each of
its exchanges (``statement_confirmed.html``).

The service issues it from a year of its store: only exchanges both parties confirmed
count, and the page says by whom (or on whose behalf) each side was confirmed and which
of the organisation's exchanges still wait for confirmation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from isbenefit.documents.contexts import template_names
from isbenefit.documents.render import render_pdf
from isbenefit.documents.statement import StatementContext, statement_context
from isbenefit.results.model import Results, as_results

TEMPLATE = "statement_confirmed.html"


@dataclass(frozen=True)
class ConfirmedExchange:
    """Who confirmed one exchange of the statement.

    Attributes:
        id: exchange id.
        supplier: the supplier's confirmation in words; None when not confirmed.
        receiver: the receiver's confirmation in words; None when not confirmed.
    """

    id: str
    supplier: str | None
    receiver: str | None


@dataclass(frozen=True)
class Confirmations:
    """The confirmation section.

    Attributes:
        source: what the ledger rows are (a closed year's version, or the open year as
            stored on a day).
        rows: each exchange of the statement and its confirmations.
        unconfirmed: ids of the organisation's exchanges not counted, awaiting confirmation.
    """

    source: str
    rows: tuple[ConfirmedExchange, ...]
    unconfirmed: tuple[str, ...]


@dataclass(frozen=True)
class ConfirmedStatementContext(StatementContext):
    """Everything ``statement_confirmed.html`` prints: the statement's fields, and

    Attributes:
        confirmation: who confirmed the exchanges.
    """

    confirmation: Confirmations


def confirmed_statement_pdf(
    results: Results | Mapping[str, Any],
    org_id: str,
    year: str,
    source: str,
    confirmed: Mapping[str, Mapping[str, str]],
    unconfirmed: Sequence[str],
) -> bytes:
    """The statement of ``org_id`` for ``year`` with its confirmation section:
    ``confirmed`` gives each exchange's confirmations in words by party (``supplier``,
    ``receiver``), ``unconfirmed`` the exchanges left out while they wait for one."""
    context = statement_context(as_results(results), org_id, year)
    rows = tuple(
        ConfirmedExchange(
            exchange.id,
            confirmed.get(exchange.id, {}).get("supplier"),
            confirmed.get(exchange.id, {}).get("receiver"),
        )
        for exchange in context.exchanges
    )
    section = Confirmations(source, rows, tuple(unconfirmed))
    full = ConfirmedStatementContext(**template_names(context), confirmation=section)
    return render_pdf(TEMPLATE, full)
