"""The uncertainty extension's per-item figures: written out by hand for speed, so their
names and order are checked against the statistics the engine returns."""

from __future__ import annotations

import numpy as np

from isbenefit.engine.core import SAVED
from isbenefit.engine.uncertainty import Summary
from isbenefit.results import monte_carlo


def test_each_items_figures_are_deterministic_then_the_statistics_in_order() -> None:
    figures = {name: np.array([1.0, 2.0]) for name in SAVED}
    summaries = {
        name: Summary(*(np.array([10.0 * k, 20.0 * k]) for k in range(1, 5))) for name in SAVED
    }
    items = monte_carlo._by_label(["a", "b"], figures, summaries)
    assert list(items) == ["a", "b"]
    for label, row in (("a", 0), ("b", 1)):
        assert list(items[label]) == list(SAVED)
        for name in SAVED:
            entry = items[label][name]
            assert list(entry) == ["deterministic", *monte_carlo.STATISTICS]
            assert entry["deterministic"] == figures[name][row]
            for stat in monte_carlo.STATISTICS:
                assert entry[stat] == getattr(summaries[name], stat)[row]
