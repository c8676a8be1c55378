"""Order statistics from float32 sorts are those of a float64 sort, bit for bit, whatever
the values: draw scheme 2's percentiles must not change by a bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from isbenefit.engine import percentiles

RANKS = [49, 50, 499, 500, 949, 950]


def sorted_at(samples: np.ndarray, ranks: list[int]) -> np.ndarray:
    return np.sort(samples, axis=1)[:, ranks].T


def tricky_rows() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(11)
    normal = rng.normal(size=(300, 1000))
    zeros = np.where(rng.random((300, 1000)) < 0.5, 0.0, -0.0)
    return {
        "lognormal": rng.lognormal(0.0, 0.5, size=(600, 1000)),
        "ties": rng.integers(0, 5, size=(300, 1000)).astype(float),
        "zeros of both signs": np.where(rng.random((300, 1000)) < 0.5, zeros, normal),
        "one negative zero": np.where(np.arange(1000) == 7, -0.0, normal**2 + 1e-3),
        "nan": np.where(rng.random((300, 1000)) < 0.1, np.nan, normal),
        "a few nan": np.where(rng.random((300, 1000)) < 0.005, np.nan, normal),
        "infinite": np.where(rng.random((300, 1000)) < 0.06, np.inf, normal),
        "beyond float32": normal * 1e300,
        "below float32": normal * 1e-300,
        "alike in float32": 1.0 + normal * 1e-9,
        "constant": np.ones((300, 1000)),
    }


@pytest.mark.parametrize("name", list(tricky_rows()))
def test_order_statistics_are_those_of_a_full_sort(name: str) -> None:
    samples = tricky_rows()[name]
    with np.errstate(invalid="ignore"):
        expected = sorted_at(samples, RANKS)
    assert percentiles.order_statistics(samples, RANKS).tobytes() == expected.tobytes()


@settings(max_examples=200, deadline=None)
@given(
    samples=hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 30), st.integers(1, 40)),
        elements=st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
        | st.sampled_from([0.0, -0.0, 1.0, 1.0 + 2.0**-30]),
    ),
    data=st.data(),
)
def test_order_statistics_of_any_values(samples: np.ndarray, data: st.DataObject) -> None:
    width = samples.shape[1]
    ranks = sorted(data.draw(st.sets(st.integers(0, width - 1), min_size=1, max_size=6)))
    with np.errstate(invalid="ignore"):
        expected = sorted_at(samples, ranks)
    assert percentiles.order_statistics(samples, ranks).tobytes() == expected.tobytes()
