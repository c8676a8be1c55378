"""isbenefit: auditable benefit accounting for industrial symbiosis exchanges.

``isbenefit.assess`` is :func:`isbenefit.api.assess` itself (same signature for ``help()``
and type checkers), imported on first use to keep start-up light. The package layout is
described in docs/architecture.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from isbenefit.version import __version__

__all__ = ["__version__", "assess"]

if TYPE_CHECKING:
    from isbenefit.api import assess


def __getattr__(name: str) -> Any:
    if name == "assess":
        from isbenefit.api import assess

        return assess
    raise AttributeError(f"module 'isbenefit' has no attribute {name!r}")
