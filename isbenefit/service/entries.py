"""The exchanges' use cases, each written once: enter, change, withdraw, confirm, upload.
A new supplier or receiver, and a member's withdrawal of an exchange both parties
confirmed, are proposals the organisations concerned accept (:mod:`.proposals`).

The pages (:mod:`.views`) and the JSON API (:mod:`.api.views`) both call these and only
turn the outcome into their own answer: a use case asks :mod:`.access` what the user may
do, checks the rows as `assess` does (:func:`check_row`) and writes through
:mod:`.store`. What it refuses it raises:

- ``PermissionDenied``: the user may not do this at all (403; nothing to correct);
- :class:`RefusedError`: the rows name organisations the user may not store (page: a form
  error; API: 403);
- :class:`TakenError`: the exchange id is taken in the cluster's ledger (API: 409);
- :class:`StaleError`: the exchange changed since the version the change or confirmation was
  made on, so it would undo another change unseen (409);
- :class:`InvalidError`: every problem of the rows, located (page: on the fields; API: 400).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from isbenefit import messages as msg
from isbenefit.errors import InputError, Problem
from isbenefit.messages import say
from isbenefit.service import access, importing, ledgers, notify, proposals, store, uploads
from isbenefit.service.ledgers import LedgerData, Row
from isbenefit.service.models import (
    NEW_PARTIES,
    RECEIVER,
    SUPPLIER,
    WITHDRAWAL,
    Cluster,
    Confirmation,
    Exchange,
    ExchangeVersion,
    Proposal,
)

TAKEN = msg.ID_TAKEN
# What the problems of a form's or the API's rows name as their file.
ROWS_FILE = say(msg.ROWS_FILE)


class EntryError(Exception):
    """A change of the ledger the use case refused, with the sentence saying why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RefusedError(EntryError):
    """The rows name organisations the user may not store."""


class TakenError(EntryError):
    """The exchange id is taken in the cluster's ledger."""


class StaleError(EntryError):
    """The exchange changed since the version the request was made on."""


class InvalidError(EntryError):
    """Rows that break the ledger's rules (or rules of the user's role), every problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(say(msg.PROBLEMS_IN_ROWS, count=len(problems)))
        self.problems = list(problems)


def current_of(exchange: Exchange) -> ExchangeVersion:
    current = exchange.current
    if current is None:  # an exchange is made with its first version, in one transaction
        raise PermissionDenied(say(msg.NO_VERSION))
    return current


def may_change(user: Any, current: ExchangeVersion) -> bool:
    """Whether the user may change or withdraw the exchange of this current version."""
    return not current.withdrawn and not access.may_save(user, current.supplier, current.receiver)


def changeable(user: Any, exchange: Exchange, action: str = "change") -> ExchangeVersion:
    """The current version, when the user may change or withdraw (``action``) the exchange."""
    current = current_of(exchange)
    if not may_change(user, current):
        raise PermissionDenied(say(msg.MAY_NOT_ACT, action=action))
    return current


def _checked(
    user: Any, cluster: Cluster, row: Row, inputs: Sequence[Row], baselines: Sequence[Row]
) -> None:
    problems = check_row(cluster, row, inputs, baselines, user)
    if problems:
        raise InvalidError(problems)


def enter(
    user: Any,
    cluster: Cluster,
    row: Row,
    inputs: Sequence[Row] = (),
    baselines: Sequence[Row] = (),
    reason: str = "",
) -> ExchangeVersion:
    """A new exchange of the cluster (its first version)."""
    if not access.can_enter(user):
        raise PermissionDenied(say(msg.ROLE_MAY_NOT_ENTER))
    refusal = access.may_save(user, row.get("supplier", ""), row.get("receiver", ""))
    if refusal:
        raise RefusedError(refusal)
    if Exchange.objects.filter(cluster=cluster, exchange_id=row.get("id", "")).exists():
        raise TakenError(say(TAKEN))
    _checked(user, cluster, row, inputs, baselines)
    with transaction.atomic():
        version, _ = store.save_exchange(cluster, row, inputs, baselines, user, reason)
        notify.exchange_saved(version, user, set())
    return version


def change(
    user: Any,
    exchange: Exchange,
    row: Row,
    version: str,
    reason: str,
    inputs: Sequence[Row] | None = None,
    baselines: Sequence[Row] | None = None,
) -> ExchangeVersion | Proposal:
    """A new version of the exchange (it needs confirming again), made on ``version``:
    the id of the version the user read. ``row`` is the whole exchanges row (its id stays
    the exchange's); inputs and baselines rows stay as they are unless given. A new
    supplier or receiver is a proposal instead, which the exchange waits for."""
    current = changeable(user, exchange)
    row = {**row, "id": exchange.exchange_id}
    moved = proposals.parties_changed(current, row)
    # A current party may propose to hand its side over; every party named accepts.
    refusal = None if moved else access.may_save(user, row.get(SUPPLIER, ""), row.get(RECEIVER, ""))
    if refusal:
        raise RefusedError(refusal)
    if str(version) != str(current.pk):
        raise StaleError(say(msg.CHANGED_MEANWHILE))
    inputs = current.inputs if inputs is None else inputs
    baselines = current.baselines if baselines is None else baselines
    _checked(user, exchange.cluster, row, inputs, baselines)
    unknown = proposals.unknown_parties(exchange.cluster, current, row) if moved else []
    if unknown:
        raise InvalidError(unknown)
    confirmed_before = {c.party for c in current.confirmations.all()}
    try:
        if moved:
            content = {"fields": row, "inputs": list(inputs), "baselines": list(baselines)}
            return proposals.propose(user, exchange, current, NEW_PARTIES, reason, content)
        with transaction.atomic():
            made, changed = store.save_exchange(
                exchange.cluster, row, inputs, baselines, user, reason, expected=version
            )
            if changed:
                notify.exchange_saved(made, user, confirmed_before)
    except store.StaleVersionError as error:
        raise StaleError(say(msg.CHANGED_MEANWHILE)) from error
    return made


def confirm(user: Any, exchange: Exchange, party: str, version: str) -> Confirmation:
    """The user confirms one side (``party``) of the version it read (``version``)."""
    current = current_of(exchange)
    allowed = dict(access.confirmable_parties(user, current))
    if party not in allowed:
        raise PermissionDenied(say(msg.MAY_NOT_CONFIRM))
    if str(version) != str(current.pk):
        raise StaleError(say(msg.CHANGED_MEANWHILE))
    with transaction.atomic():
        made = store.confirm(current, party, user, on_behalf=allowed[party])
        notify.exchange_confirmed(current, party, user)
    return made


def withdraw(user: Any, exchange: Exchange, reason: str) -> ExchangeVersion | Proposal:
    """Withdraw the exchange: a version marked withdrawn; its history stays. Once both
    parties confirmed it (any version), a member's withdrawal is a proposal the other
    party accepts; the facilitator withdraws alone."""
    current = changeable(user, exchange, "withdraw")
    try:
        if not access.is_facilitator(user) and proposals.needs_agreement(exchange):
            return proposals.propose(user, exchange, current, WITHDRAWAL, reason)
        with transaction.atomic():
            return store.withdraw(exchange, user, reason)
    except store.StaleVersionError as error:
        raise StaleError(say(msg.CHANGED_MEANWHILE)) from error


def answer(user: Any, proposal: Proposal, organisation: str, accept: bool) -> Proposal:
    """The user accepts or declines the proposal for ``organisation``."""
    try:
        return proposals.answer(user, proposal, organisation, accept)
    except proposals.ProposalClosedError as error:
        raise StaleError(str(error)) from error


def upload(
    user: Any, cluster: Cluster, path: Path, reason: str, replace_confirmed: bool = False
) -> importing.Saved:
    """Store a ledger file the user uploaded: checked whole as `assess` checks it, then
    what the user may not store; every problem, and nothing stored, or all of it. A row
    replacing a version both parties confirmed is a problem unless ``replace_confirmed``."""
    if not access.can_enter(user):
        raise PermissionDenied(say(msg.ROLE_MAY_NOT_ENTER))
    # The web's own unpacked-size limit first; no problem names the temporary path.
    problems = uploads.unpacked_refusal(path) or uploads.as_sent(check_file(path, cluster), path)
    if problems:
        raise InvalidError(problems)
    data = ledgers.read(path)
    problems = upload_refusals(user, cluster, path.name, data)
    if problems:
        raise InvalidError(problems)
    reason = reason or say(msg.UPLOAD_REASON, file=path.name)
    try:
        return importing.import_data(cluster, data, user, reason, replace_confirmed)
    except importing.ConfirmedReplacedError as error:
        fix = say(msg.REPLACES_CONFIRMED_FIX_WEB)
        raise InvalidError(replaced_problems(path.name, error.replaced, fix)) from error


def upload_refusals(user: Any, cluster: Cluster, file: str, data: LedgerData) -> list[Problem]:
    """Rows the user may not store: a member's rows between other organisations, or rows
    naming an exchange of the store it may not change; organisations and rates only a
    facilitator may give."""
    problems = []
    visible = set(access.visible_exchanges(user).values_list("exchange_id", flat=True))
    parties = {
        e: (s, r)
        for e, s, r in cluster.exchanges.values_list(
            "exchange_id", "current__supplier", "current__receiver"
        )
    }
    for index, row in enumerate(data.sheets.get("exchanges", [])):
        number = data.row_number("exchanges", index)
        refusal = access.may_save(user, row["supplier"], row["receiver"])
        if refusal is None and row["id"] in parties and row["id"] not in visible:
            refusal = say(msg.ID_TAKEN_IN_LEDGER)
        if refusal:
            column = "supplier" if refusal == say(msg.NOT_A_PARTY) else "id"
            fix = say(msg.LEAVE_ROW_OUT)
            problems.append(Problem(file, refusal, fix, "exchanges", number, column, row["id"]))
        elif row["id"] in parties and parties[row["id"]] != (row["supplier"], row["receiver"]):
            # A new supplier or receiver is a proposal every party accepts, not an upload.
            column = "supplier" if parties[row["id"]][0] != row["supplier"] else "receiver"
            moved = say(msg.PARTIES_BY_PROPOSAL, exchange=row["id"])
            fix = say(msg.PARTIES_BY_PROPOSAL_FIX)
            problems.append(Problem(file, moved, fix, "exchanges", number, column, row[column]))
    problems.extend(access.entry_refusals(user, cluster, data.sheets, file))
    if not access.is_facilitator(user):
        for sheet, message in (
            ("organisations", msg.ONLY_FACILITATOR_ORGANISATIONS),
            ("rates", msg.ONLY_FACILITATOR_RATES),
            ("declared", msg.ONLY_FACILITATOR_DECLARED),
        ):
            if data.sheets.get(sheet):
                fix = say(msg.REMOVE_SHEET, sheet=sheet)
                problems.append(Problem(file, say(message), fix, sheet))
    return problems


def import_file(
    cluster: Cluster, path: Path, user: Any = None, replace_confirmed: bool = False
) -> importing.Saved:
    """Check a ledger file as `assess` does and store it; InputError listing every problem
    when it breaks a rule (or would replace a version both parties confirmed, unless
    ``replace_confirmed``), and then nothing is stored."""
    problems = check_file(path, cluster)
    if problems:
        raise InputError(problems)
    reason = say(msg.IMPORT_REASON, file=path.name)
    try:
        return importing.import_data(cluster, ledgers.read(path), user, reason, replace_confirmed)
    except importing.ConfirmedReplacedError as error:
        fix = say(msg.REPLACES_CONFIRMED_FIX_CLI)
        raise InputError(replaced_problems(path.name, error.replaced, fix)) from error


def replaced_problems(file: str, replaced: Sequence[importing.Replaced], fix: str) -> list[Problem]:
    """Each row that would replace a version both parties confirmed, located."""
    return [
        Problem(
            file,
            say(msg.REPLACES_CONFIRMED, version=r.version, exchange=r.exchange_id),
            fix,
            "exchanges",
            r.row,
            "id",
            r.exchange_id,
        )
        for r in replaced
    ]


# --- checking, as `assess` checks -------------------------------------------------------


def check_file(path: Path, cluster: Cluster) -> list[Problem]:
    """Every problem `isbenefit check` finds in a ledger file, none when it is sound."""
    from isbenefit.api import check

    try:
        check(path, factors=store.factor_source(cluster.factors), currency=cluster.currency)
    except InputError as error:
        return list(error.problems)
    return []


def check_data(data: LedgerData, cluster: Cluster, file: str = ROWS_FILE) -> list[Problem]:
    """The checks of `assess` on ledger rows held in memory (what a form or the API
    gives, among the cluster's rows), every problem located in ``file``."""
    import pandas as pd

    from isbenefit.api import check
    from isbenefit.ledger.reading import check_text_limits

    frames, problems = {}, []
    for sheet, rows in data.sheets.items():
        header = data.header(sheet, rows)
        cells = [[row.get(column, "") for column in header] for row in rows]
        problems += check_text_limits(file, sheet, header, cells)
        frames[sheet] = pd.DataFrame(cells, columns=header, dtype=object)
    if problems:
        return problems
    try:
        check(frames, factors=store.factor_source(cluster.factors), currency=cluster.currency)
    except InputError as error:
        # Read as DataFrames, a problem names its sheet "<sheet> (DataFrame)" as its file.
        return [replace(problem, file=file) for problem in error.problems]
    return []


def check_row(
    cluster: Cluster,
    row: Row,
    inputs: Sequence[Row] = (),
    baselines: Sequence[Row] = (),
    user: Any = None,
) -> list[Problem]:
    """The checks of `assess` on one exchanges row (with its inputs and baselines rows)
    among the cluster's organisations and rates: what the form and the JSON API check.
    With ``user``, first what that user may not store (`access.entry_refusals`)."""
    if user is not None:
        sheets = {"exchanges": [dict(row)], "inputs": list(inputs), "baselines": list(baselines)}
        refused = access.entry_refusals(
            user, cluster, {k: v for k, v in sheets.items() if v}, ROWS_FILE
        )
        if refused:
            return refused
    data = store.ledger_data(cluster, [], whole=True)
    data.sheets["exchanges"] = [dict(row)]
    data.headers["exchanges"] = data.header("exchanges", [row])
    for sheet, rows in (("inputs", inputs), ("baselines", baselines)):
        if rows:
            data.sheets[sheet] = [dict(r) for r in rows]
            data.headers[sheet] = data.header(sheet, list(rows))
    return check_data(data, cluster)
