"""Draw scheme 2: random draws keyed by the item they belong to, not by the run's layout.

Each exchange (for its quantity multiplier) and each factor supplied with the ledger
draws from its own counter-based stream: numpy's Philox, keyed by the SHA-256 of the
scheme's name, the kind of item, the seed and the item's id. Iterations come in blocks
of `ITERATION_BLOCK`; block b of an item starts at counter b, so any block can be drawn
without the ones before it. The values of an item therefore depend on the seed and
the item's id alone: the same in any slice, partition, worker or subset ledger.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

SCHEME = 2
ITERATION_BLOCK = 1000
QUANTITY = "quantity"
FACTOR = "factor"


def item_key(seed: int, kind: str, item: str) -> np.ndarray:
    """The Philox key of one item's stream: the first 16 bytes of the SHA-256 of
    ``isbenefit.draws/<scheme>\\0<kind>\\0<seed>\\0<item>`` (UTF-8) as two little-endian
    64-bit words."""
    return item_keys(seed, kind, [item])[0]


def item_keys(seed: int, kind: str, items: Sequence[str]) -> np.ndarray:
    """`item_key` of each item (items x 2); the common prefix is hashed once."""
    prefix = hashlib.sha256(f"isbenefit.draws/{SCHEME}\x00{kind}\x00{seed}\x00".encode())
    digests = bytearray()
    for item in items:
        hashed = prefix.copy()
        hashed.update(item.encode())
        digests += hashed.digest()[:16]
    return np.frombuffer(bytes(digests), dtype="<u8").reshape(len(items), 2).astype(np.uint64)


def standard_normals(
    seed: int, kind: str, items: Sequence[str], start: int, stop: int
) -> np.ndarray:
    """Standard normal draws (items x iterations start..stop) of each item's stream."""
    return keyed_normals(item_keys(seed, kind, items), start, stop)


def keyed_normals(keys: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Standard normal draws (keys x iterations start..stop) of the streams of `item_keys`.

    Block b of an item is what ``Generator(Philox(key=item_key(...), counter=[0, 0, 0,
    b])).standard_normal`` gives; one bit generator is re-keyed item by item through its
    state (a fresh one costs seven times as much), with the same values.
    """
    out = np.empty((len(keys), stop - start))
    bits = np.random.Philox(key=np.zeros(2, dtype=np.uint64))
    generator = np.random.Generator(bits)
    state = bits.state
    inner = state["state"]
    blocks = [
        (
            np.array([0, 0, 0, block], dtype=np.uint64),
            block * ITERATION_BLOCK,
            max(start, block * ITERATION_BLOCK),
            min(stop, (block + 1) * ITERATION_BLOCK),
        )
        for block in range(start // ITERATION_BLOCK, (stop - 1) // ITERATION_BLOCK + 1)
    ]
    for row, key in enumerate(keys):
        inner["key"] = key
        for counter, low, lo, hi in blocks:
            inner["counter"] = counter
            state["buffer_pos"], state["has_uint32"] = 4, 0  # nothing buffered: as fresh
            bits.state = state
            if lo == low:  # from the block's first draw: straight into the output
                generator.standard_normal(out=out[row, lo - start : hi - start])
            else:
                out[row, lo - start : hi - start] = generator.standard_normal(hi - low)[lo - low :]
    return out


def lognormal_multipliers(
    seed: int, kind: str, items: Sequence[str], sigma: np.ndarray, start: int, stop: int
) -> np.ndarray:
    """exp(sigma x standard normal): median-1 multipliers (items x iterations)."""
    return keyed_lognormals(item_keys(seed, kind, items), sigma, start, stop)


def keyed_lognormals(keys: np.ndarray, sigma: np.ndarray, start: int, stop: int) -> np.ndarray:
    """`lognormal_multipliers` from the items' `item_keys`."""
    normals = keyed_normals(keys, start, stop)
    normals *= np.asarray(sigma, dtype=float)[:, None]
    return np.exp(normals, out=normals)


def block_seed(seed: int, block: int) -> int:
    """The seed of iteration block ``block`` of a sampler drawing whole blocks (Brightway's
    factor draws): the run's seed for the first block, so runs of up to one block draw as
    the first scheme did; a seed derived from (seed, block) for the others."""
    if block == 0:
        return seed
    return int(np.random.SeedSequence([seed, block]).generate_state(1, np.uint32)[0])
