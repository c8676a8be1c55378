"""The store: a cluster's ledger, kept version by version, never deleted.

A ledger row is kept as the user gave it: every cell as text, under its column name
(contract columns, optional ones and the user's own extra columns alike), with the
cluster's header order per sheet, so a ledger exported again reads as the imported one.

- an :class:`Exchange` is one ledger id; each change makes a new :class:`ExchangeVersion`
  (its exchanges row, its inputs and baselines rows) and marks the one before superseded;
  a withdrawn exchange is a version marked ``withdrawn``;
- a version counts towards documents when both parties confirmed *that* version
  (:class:`Confirmation`; the facilitator may confirm for an organisation without an
  account, ``on_behalf``);
- a new supplier or receiver, or the withdrawal of an exchange both parties confirmed, is
  a :class:`Proposal` every organisation it names must accept (:class:`Answer`); until
  then the exchange stays as it is;
- :class:`Change` keeps who changed what, when, with the old and the new values;
- a closed year is a :class:`YearVersion`: the ledger rows and results it was closed
  with; a restatement adds the next version, the old one stays;
- :class:`Job` makes documents or closes a year off the durable queue (progress
  ``done``/``total``); :class:`QueueWorker` is a worker's heartbeat;
  :class:`Document` is one PDF, stored under a random name; :class:`Download` records
  who downloaded it (the inbox lists documents not yet read).

The models are kept in two modules, the ledger (``ledger``) and what is made from it
(``outputs``); every name is read from here, ``isbenefit.service.models``.
"""

from __future__ import annotations

# Django finds an app's models through this module: import every one of them here.
from isbenefit.service.models.ledger import *  # noqa: F403
from isbenefit.service.models.outputs import *  # noqa: F403
