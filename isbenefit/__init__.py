"""isbenefit: auditable benefit accounting for industrial symbiosis exchanges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "assess"]

if TYPE_CHECKING:
    from isbenefit.api import Assessment


def assess(*args: Any, **kwargs: Any) -> Assessment:
    """Assess a ledger; see :func:`isbenefit.api.assess`. Imported lazily to keep start-up light."""
    from isbenefit.api import assess as _assess

    return _assess(*args, **kwargs)
