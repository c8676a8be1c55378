"""How logins are throttled (django-axes): the settings, read once when Django is
configured. Kept free of Django imports so settings.py can use it.

The rule: after ``ISBENEFIT_LOGIN_FAILURES`` (5) failed logins for one account, or from
one address, that account (from anywhere) and that address (for any account) are locked
out; the lock lasts ``ISBENEFIT_LOGIN_LOCKOUT_MINUTES`` (15) times the number of lockouts
the account or address had in the last day, so it grows with each new run of guesses
(``logins.cooloff``). A successful login forgets the failures of that account from that address.
The address is the connection's (``REMOTE_ADDR``; behind the declared proxy, waitress puts
the forwarded one there), never a header a client could set.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

FAILURES_ENV = "ISBENEFIT_LOGIN_FAILURES"
LOCKOUT_ENV = "ISBENEFIT_LOGIN_LOCKOUT_MINUTES"


def axes_settings() -> dict[str, Any]:
    return {
        "AXES_FAILURE_LIMIT": int(os.environ.get(FAILURES_ENV, "5")),
        "ISBENEFIT_LOGIN_LOCKOUT_MINUTES": float(os.environ.get(LOCKOUT_ENV, "15")),
        # Either one locks: the account (whatever the address), the address (any account).
        "AXES_LOCKOUT_PARAMETERS": ["username", "ip_address"],
        "AXES_COOLOFF_TIME": "isbenefit.service.logins.cooloff",
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_LOCKOUT_CALLABLE": "isbenefit.service.logins.locked_out",
        "AXES_CLIENT_IP_CALLABLE": "isbenefit.service.logins.axes_address",
        "AXES_ENABLE_ACCESS_FAILURE_LOG": True,
        "AXES_VERBOSE": False,  # our own log lines (logins.py), without passwords
    }


def cooloff_for(lockouts_today: int, minutes: float) -> timedelta:
    """The lock's length: ``minutes`` times the lockouts of the last day (at least one)."""
    return timedelta(minutes=minutes * max(1, lockouts_today))
