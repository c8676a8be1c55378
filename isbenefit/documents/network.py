"""The cluster's network of flows as a vector diagram (matplotlib -> SVG).

Nodes are organisations on a circle, edges are exchanges from supplier to
receiver, coloured by flow kind, their width proportional to the CO2e saved.
Parallel exchanges between the same pair are drawn as separate arcs.

A large cluster (more than :data:`MAX_NODES` organisations or :data:`MAX_EDGES`
exchanges) would be an unreadable ring: :func:`condense` then keeps the organisations
with the most CO2e in their exchanges, groups the others as one node and merges the
arrows of one flow kind between the same two nodes, and says so in the caption.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from isbenefit import messages
from isbenefit.documents.charts import (
    FLOW_COLOURS,
    INK,
    MUTED,
    OTHER_COLOUR,
    chart_style,
    new_figure,
    shorten,
    to_svg,
)
from isbenefit.messages import say

if TYPE_CHECKING:  # matplotlib is imported when the diagram is drawn
    from matplotlib.axes import Axes

MAX_NODES = 24
MAX_EDGES = 60
GROUPED = "\u2060others"  # the grouped node's id; no ledger id starts with a word joiner
_MIN_WIDTH = 0.6
_MAX_WIDTH = 6.0
_NODE_SIZE = 110.0


@dataclass(frozen=True)
class Edge:
    """One exchange drawn as an arrow.

    Attributes:
        supplier: id of the node it starts from.
        receiver: id of the node it points to.
        flow: flow kind (colour).
        weight: size shown by the width (CO2e saved, t); negative is drawn dashed.
    """

    supplier: str
    receiver: str
    flow: str
    weight: float


@dataclass(frozen=True)
class Condensed:
    """What the diagram draws of a network and how it differs from the exchanges.

    Attributes:
        nodes: (id, label) pairs drawn.
        edges: arrows drawn.
        grouped: number of organisations drawn as the one grouped node (0: none).
        hidden: exchanges between two grouped organisations, not drawn.
        merged: whether arrows of one flow kind between two nodes were merged.
    """

    nodes: tuple[tuple[str, str], ...]
    edges: tuple[Edge, ...]
    grouped: int
    hidden: int
    merged: bool


def condense(
    nodes: Sequence[tuple[str, str]],
    edges: Sequence[Edge],
    max_nodes: int = MAX_NODES,
    max_edges: int = MAX_EDGES,
) -> Condensed:
    """The network as drawn: unchanged when small, else grouped and merged.

    The ``max_nodes - 1`` organisations with the largest sum of |weight| over their
    exchanges are kept (ties by id, so the same ledger gives the same figure); the others
    become one node. Arrows of one flow kind between the same two nodes are then merged
    into one whose weight is their sum; exchanges between two grouped organisations are
    left out and counted.
    """
    if len(nodes) <= max_nodes and len(edges) <= max_edges:
        return Condensed(tuple(nodes), tuple(edges), 0, 0, False)
    involvement: dict[str, float] = {node: 0.0 for node, _ in nodes}
    for edge in edges:
        involvement[edge.supplier] += abs(edge.weight)
        involvement[edge.receiver] += abs(edge.weight)
    ranked = sorted(involvement, key=lambda node: (-involvement[node], node))
    keep_count = len(ranked) if len(ranked) <= max_nodes else max_nodes - 1
    kept = set(ranked[:keep_count])
    grouped = len(ranked) - keep_count
    drawn = [(node, label) for node, label in nodes if node in kept]
    if grouped:
        drawn.append((GROUPED, f"{grouped} other organisations"))

    def shown(node: str) -> str:
        return node if node in kept else GROUPED

    weights: defaultdict[tuple[str, str, str], float] = defaultdict(float)
    hidden = 0
    for edge in edges:
        supplier, receiver = shown(edge.supplier), shown(edge.receiver)
        if supplier == receiver == GROUPED:
            hidden += 1
            continue
        weights[(supplier, receiver, edge.flow)] += edge.weight
    merged = tuple(Edge(s, r, flow, weight) for (s, r, flow), weight in sorted(weights.items()))
    return Condensed(tuple(drawn), merged, grouped, hidden, True)


def ring_order(node_ids: Sequence[str], edges: Sequence[Edge]) -> list[str]:
    """Nodes in breadth-first order over the exchanges, so partners sit side by side."""
    neighbours: dict[str, list[str]] = {node: [] for node in node_ids}
    for edge in edges:
        neighbours[edge.supplier].append(edge.receiver)
        neighbours[edge.receiver].append(edge.supplier)
    order: list[str] = []
    seen: set[str] = set()
    for start in node_ids:
        queue = [start] if start not in seen else []
        seen.add(start)
        while queue:
            node = queue.pop(0)
            order.append(node)
            for other in neighbours[node]:
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
    return order


def _layout(node_ids: Sequence[str]) -> dict[str, tuple[float, float]]:
    count = max(len(node_ids), 1)
    return {
        node: (math.sin(2 * math.pi * index / count), math.cos(2 * math.pi * index / count))
        for index, node in enumerate(node_ids)
    }


def _draw_edges(axes: Axes, edges: Sequence[Edge], where: dict[str, tuple[float, float]]) -> None:
    from matplotlib.patches import FancyArrowPatch

    heaviest = max((abs(edge.weight) for edge in edges), default=0.0)
    seen: Counter[tuple[str, str]] = Counter()
    for edge in edges:
        pair = (edge.supplier, edge.receiver)
        rank = seen[pair]
        seen[pair] += 1
        share = abs(edge.weight) / heaviest if heaviest > 0 else 1.0
        arrow = FancyArrowPatch(
            where[edge.supplier],
            where[edge.receiver],
            connectionstyle=f"arc3,rad={0.12 + 0.1 * rank}",
            arrowstyle="-|>,head_length=4,head_width=2.4",
            mutation_scale=1.0,
            linewidth=_MIN_WIDTH + (_MAX_WIDTH - _MIN_WIDTH) * share,
            linestyle="--" if edge.weight < 0 else "-",
            color=FLOW_COLOURS.get(edge.flow, OTHER_COLOUR),
            alpha=0.8,
            shrinkA=9,
            shrinkB=9,
            zorder=1,
        )
        axes.add_patch(arrow)


def _draw_nodes(
    axes: Axes, nodes: Sequence[tuple[str, str]], where: dict[str, tuple[float, float]]
) -> None:
    size = 7.0 if len(nodes) <= 16 else max(4.0, 7.0 * 16 / len(nodes))
    xs = [where[node][0] for node, _ in nodes]
    ys = [where[node][1] for node, _ in nodes]
    axes.scatter(xs, ys, s=_NODE_SIZE, color="white", edgecolors=INK, linewidths=1.2, zorder=2)
    radial = len(nodes) > _LEVEL_LABELS
    for node, label in nodes:
        x, y = where[node]
        if radial:  # beside each other, level labels near the top and bottom would collide
            _radial_label(axes, x, y, shorten(label, 26), size)
            continue
        align = "center" if abs(x) < 0.15 else ("left" if x > 0 else "right")
        axes.text(
            x * 1.13,
            y * 1.1,
            shorten(label, 30),
            ha=align,
            va="center",
            fontsize=size,
            color=INK,
            zorder=3,
        )


# Up to this many circles, labels are written level beside them; more are written along
# their radius, outwards, so that neighbours' labels cannot overprint.
_LEVEL_LABELS = 20


def _radial_label(axes: Axes, x: float, y: float, text: str, size: float) -> None:
    angle = math.degrees(math.atan2(y, x))
    right = x >= 0
    axes.text(
        x * 1.1,
        y * 1.1,
        text,
        ha="left" if right else "right",
        va="center",
        rotation=angle if right else angle - 180,
        rotation_mode="anchor",
        fontsize=size,
        color=INK,
        zorder=3,
    )


def network_diagram(
    nodes: Sequence[tuple[str, str]], edges: Sequence[Edge], weight_label: str
) -> bytes:
    """SVG of the network. ``nodes`` are (id, label) pairs in drawing order."""
    from matplotlib.lines import Line2D

    with chart_style():
        figure = new_figure((6.7, 5.0))
        axes = figure.add_subplot()
        where = _layout(ring_order([node for node, _ in nodes], edges))
        _draw_edges(axes, edges, where)
        _draw_nodes(axes, nodes, where)
        axes.set_xlim(-1.75, 1.75)
        axes.set_ylim(-1.25, 1.25)
        axes.set_aspect("equal")
        axes.axis("off")
        flows = sorted({edge.flow for edge in edges})
        handles = [
            Line2D(
                [0],
                [0],
                color=FLOW_COLOURS.get(flow, OTHER_COLOUR),
                linewidth=2.5,
                label=flow.capitalize(),
            )
            for flow in flows
        ]
        negative = say(messages.NEGATIVE_SAVING)
        handles.append(Line2D([0], [0], color=MUTED, linewidth=1.2, linestyle="--", label=negative))
        options = {
            "handles": handles,
            "ncols": len(handles),
            "fontsize": 7,
            "title": weight_label,
            "title_fontsize": 7,
        }
        if len(nodes) > _LEVEL_LABELS:
            # Radial labels reach below the ring: the legend goes below them, under the figure.
            figure.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), **options)
        else:
            axes.legend(loc="lower left", bbox_to_anchor=(0.0, -0.06), **options)
        return to_svg(figure)
