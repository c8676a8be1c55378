"""The exchanges' use cases, each written once: enter, change, withdraw, confirm, upload.

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
from isbenefit.service import access, ledgers, notify, store, uploads
from isbenefit.service.ledgers import LedgerData, Row
from isbenefit.service.models import (
    Cluster,
    Confirmation,
    Exchange,
    ExchangeVersion,
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
) -> ExchangeVersion:
    """A new version of the exchange (it needs confirming again), made on ``version``:
    the id of the version the user read. ``row`` is the whole exchanges row (its id stays
    the exchange's); inputs and baselines rows stay as they are unless given."""
    current = changeable(user, exchange)
    row = {**row, "id": exchange.exchange_id}
    refusal = access.may_save(user, row.get("supplier", ""), row.get("receiver", ""))
    if refusal:
        raise RefusedError(refusal)
    if str(version) != str(current.pk):
        raise StaleError(say(msg.CHANGED_MEANWHILE))
    inputs = current.inputs if inputs is None else inputs
    baselines = current.baselines if baselines is None else baselines
    _checked(user, exchange.cluster, row, inputs, baselines)
    confirmed_before = {c.party for c in current.confirmations.all()}
    try:
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


def withdraw(user: Any, exchange: Exchange, reason: str) -> ExchangeVersion:
    """Withdraw the exchange: a version marked withdrawn; its history stays."""
    changeable(user, exchange, "withdraw")
    with transaction.atomic():
        return store.withdraw(exchange, user, reason)


def upload(user: Any, cluster: Cluster, path: Path, reason: str) -> store.Saved:
    """Store a ledger file the user uploaded: checked whole as `assess` checks it, then
    what the user may not store; every problem, and nothing stored, or all of it."""
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
    return store.import_data(cluster, data, user, reason or say(msg.UPLOAD_REASON, file=path.name))


def upload_refusals(user: Any, cluster: Cluster, file: str, data: LedgerData) -> list[Problem]:
    """Rows the user may not store: a member's rows between other organisations, or rows
    naming an exchange of the store it may not change; organisations and rates only a
    facilitator may give."""
    problems = []
    visible = set(access.visible_exchanges(user).values_list("exchange_id", flat=True))
    taken = set(cluster.exchanges.values_list("exchange_id", flat=True))
    for number, row in enumerate(data.sheets.get("exchanges", []), start=2):
        refusal = access.may_save(user, row["supplier"], row["receiver"])
        if refusal is None and row["id"] in taken and row["id"] not in visible:
            refusal = say(msg.ID_TAKEN_IN_LEDGER)
        if refusal:
            column = "supplier" if refusal == say(msg.NOT_A_PARTY) else "id"
            fix = say(msg.LEAVE_ROW_OUT)
            problems.append(Problem(file, refusal, fix, "exchanges", number, column, row["id"]))
    problems.extend(access.entry_refusals(user, cluster, data.sheets, file))
    if not access.is_facilitator(user):
        for sheet, message in (
            ("organisations", msg.ONLY_FACILITATOR_ORGANISATIONS),
            ("rates", msg.ONLY_FACILITATOR_RATES),
        ):
            if data.sheets.get(sheet):
                fix = say(msg.REMOVE_SHEET, sheet=sheet)
                problems.append(Problem(file, say(message), fix, sheet))
    return problems


def import_file(cluster: Cluster, path: Path, user: Any = None) -> store.Saved:
    """Check a ledger file as `assess` does and store it; InputError listing every problem
    when it breaks a rule, and then nothing is stored."""
    problems = check_file(path, cluster)
    if problems:
        raise InputError(problems)
    return store.import_data(
        cluster, ledgers.read(path), user, say(msg.IMPORT_REASON, file=path.name)
    )


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
