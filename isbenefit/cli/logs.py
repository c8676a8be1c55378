"""What reaches stderr besides isbenefit's own messages: nothing, unless ``--verbose``.

Libraries warn and log on stderr: pyHanko's signers import cryptography's deprecated DSA
(a deprecation warning on every run that signs), pyHanko's difference analysis logs a
traceback for a file updated after signing in a way it cannot explain (the verdict already
says the file changed), fontTools logs the font tables it drops. None of it is for a
user. Warnings are routed into logging, and logging reaches stderr only with
``isbenefit --verbose``: isbenefit's own records from debug level (what each check found
and how long it took), the libraries' warnings and errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

FORMAT = "%(levelname)s %(name)s: %(message)s"


def configure(verbose: bool) -> Callable[[], None]:
    """Route warnings and log records as the module says; returns what undoes it (the
    command line runs it when the verb ends, so that in-process callers keep theirs)."""
    root, own = logging.getLogger(), logging.getLogger("isbenefit")
    levels = root.level, own.level
    handler: logging.Handler = logging.StreamHandler() if verbose else logging.NullHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)  # with any handler on the root, logging's last resort is silent
    if verbose:
        own.setLevel(logging.DEBUG)
    logging.captureWarnings(True)

    def undo() -> None:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(levels[0])
        own.setLevel(levels[1])

    return undo
