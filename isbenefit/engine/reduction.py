"""A fixed binary tree over numbered parts, so partial sums reduce to the same bits however
the parts are shared out.

Leaf i is part i of ``count``; node (k, j) covers parts j*2**k up to (j+1)*2**k (fewer at
the right edge) and is the sum of its two children, or its left child alone when the
right one would start past the last part. Whoever holds a contiguous run of parts can
add up the nodes that lie wholly inside it (`subtree_nodes`); `tree_reduce` finishes the
tree from any set of nodes covering all parts. Floating-point sums then always follow
the same tree, whatever the partition.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")
Node = tuple[int, int]  # (level, index)


def depth(count: int) -> int:
    """Level of the root of a tree over ``count`` parts."""
    return max(0, (count - 1).bit_length())


def subtree_nodes(
    values: Sequence[T], start: int, count: int, add: Callable[[T, T], T]
) -> dict[Node, T]:
    """The largest nodes lying wholly inside parts start..start+len(values), summed."""
    nodes: dict[Node, T] = {}
    stop = start + len(values)
    position = start
    while position < stop:
        level = 0
        # Climb while the node starting here is aligned and ends inside the run.
        while level < depth(count):
            size = 1 << (level + 1)
            if position % size or min(position + size, count) > stop:
                break
            level += 1
        nodes[(level, position >> level)] = _node(values, start, count, level, position, add)
        position = min(position + (1 << level), count)
    return nodes


def tree_reduce(nodes: Mapping[Node, T], count: int, add: Callable[[T, T], T]) -> T:
    """The root of the tree over ``count`` parts, from nodes that cover every part."""
    if count < 1:
        raise ValueError("a tree needs at least one part")

    def value(level: int, index: int) -> T:
        if (level, index) in nodes:
            return nodes[(level, index)]
        if level == 0:
            raise ValueError(f"part {index} is not covered by the nodes given")
        left = value(level - 1, 2 * index)
        if (2 * index + 1) << (level - 1) >= count:
            return left
        return add(left, value(level - 1, 2 * index + 1))

    return value(depth(count), 0)


def _node(
    values: Sequence[T], start: int, count: int, level: int, position: int, add: Callable[[T, T], T]
) -> T:
    if level == 0:
        return values[position - start]
    half = 1 << (level - 1)
    left = _node(values, start, count, level - 1, position, add)
    if position + half >= count:
        return left
    return add(left, _node(values, start, count, level - 1, position + half, add))
