"""The service on a free port of 127.0.0.1, in this process: waitress in a thread on
:func:`isbenefit.service.server.wsgi_application`, on the test database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def live_server(threads: int = 4) -> Iterator[str]:
    """Serve until leaving; yields the base URL ``http://127.0.0.1:PORT``."""
    from waitress.server import create_server

    from isbenefit.service.server import wsgi_application

    server = create_server(
        wsgi_application(), host="127.0.0.1", port=0, threads=threads, ident="isbenefit-test"
    )
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    finally:
        # Closed in the server's own thread (its trigger runs the call there): a socket
        # closed from here while that thread polls it makes waitress log EBADF. With the
        # listener, the kept-alive browser connections and the trigger closed, its loop ends.
        def close_all() -> None:
            for channel in list(server._map.values()):
                channel.close()

        server.trigger.pull_trigger(close_all)
        thread.join(timeout=10)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
