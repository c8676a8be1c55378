"""The cluster's shared ledger as a web service (Django; the optional extra `service`).

Nothing here is imported by ``import isbenefit`` or ``isbenefit --help``: the command line
imports this stage inside its service verbs only. Structure (docs/service.md):

- :mod:`.settings`: Django configured programmatically (database URL, data dir, secret key);
- :mod:`.models`: clusters, organisations, exchanges and their versions, confirmations,
  the change log, closed year versions, document jobs and documents, API tokens;
- :mod:`.ledgers`: a ledger as rows of text (import from a file, export to .xlsx/CSV);
- :mod:`.store`: every change of the store (the only module that writes exchanges);
- :mod:`.access`: who may see and change what (roles), used by pages and the API alike;
- :mod:`.years`, :mod:`.issuing`, :mod:`.keys`, :mod:`.verifying`: closing years,
  documents in the background, the cluster's signing key, the public checks;
- :mod:`.views`, :mod:`.public`, :mod:`.forms`, :mod:`.urls`, :mod:`.security`: the pages;
- :mod:`.server`: `serve`, `db upgrade`, `users add`, `store import/export` for the CLI.
"""
