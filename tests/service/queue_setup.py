"""A service data directory for the worker tests, made in a child process (Django is
configured once per process): the example cluster, every exchange confirmed by the
facilitator on behalf of both parties, and the facilitator's API token.

    python -m tests.service.queue_setup DB_URL DATA_DIR   # prints the token
"""

from __future__ import annotations

import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "nordic-cluster.xlsx"


def prepare(url: str, data: Path) -> str:
    from isbenefit.service import server

    server.setup(url, data, secure_cookies=False)
    server.migrate()
    from rest_framework.authtoken.models import Token

    from isbenefit.service import entries, store
    from isbenefit.service.accounts import add_user

    cluster = store.cluster_named("nordic", "Nordic cluster")
    entries.import_file(cluster, EXAMPLE)
    facilitator = add_user("nordic", "f@queue.org", "facilitator", None, "queue password 42")
    for version in store.current_versions(cluster):
        for party in ("supplier", "receiver"):
            store.confirm(version, party, facilitator, on_behalf=True)
    return str(Token.objects.create(user=facilitator).key)


if __name__ == "__main__":
    print(prepare(sys.argv[1], Path(sys.argv[2])))
