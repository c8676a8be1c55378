"""Stopping on SIGINT and SIGTERM: no temporary file left, workers stopped, exit 130 or 143.

Python's defaults do not suit a command that writes files: SIGTERM ends the process where
it stands, leaving `write_atomic`'s hidden temporary file behind, and SIGINT raises
KeyboardInterrupt, which click turns into "Aborted!" and exit 1. While a verb runs (from the
app's callback until its click context closes) both raise ``SystemExit(128 + signal)`` on
the main thread instead: every ``finally`` runs on the way out (temporaries removed,
`batch.run_batch` stopping its workers at once) and the process exits 130 on SIGINT and
143 on SIGTERM, the codes a shell gives a command killed by them. A second signal during
that clean-up removes this process's temporaries and exits at once.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType
from typing import Any

import typer

from isbenefit.writing import remove_temporaries

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_received: list[int] = []


def exit_code(signum: int) -> int:
    """The exit code of a run stopped by ``signum``: 130 for SIGINT, 143 for SIGTERM."""
    return 128 + signum


def install(context: typer.Context) -> None:
    """Stop on SIGINT and SIGTERM as the module says, until ``context`` closes (the app's,
    when the verb has run); the handlers found are then put back.

    Does nothing off the main thread, where Python cannot set signal handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    before: dict[int, Any] = {signum: signal.getsignal(signum) for signum in SIGNALS}
    for signum in SIGNALS:
        signal.signal(signum, _stop)
    context.call_on_close(lambda: _restore(before))


def _stop(signum: int, _frame: FrameType | None) -> None:
    code = exit_code(signum)
    if _received:  # a second signal: no more waiting for the clean-up
        remove_temporaries()
        os._exit(code)
    _received.append(signum)
    name = signal.Signals(signum).name
    os.write(2, f"\nisbenefit: stopping on {name}; no partial file is left\n".encode())
    raise SystemExit(code)


def _restore(before: dict[int, Any]) -> None:
    for signum, handler in before.items():
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)
    _received.clear()
