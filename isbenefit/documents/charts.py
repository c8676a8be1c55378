"""Charts as SVG bytes, drawn by matplotlib (no pyplot, no GUI backend).

SVG output is made stable: a fixed ``svg.hashsalt``, no Date metadata, glyphs
as paths (no font lookup in the PDF renderer). Untrusted text (names,
resources) is never read as mathtext: ``text.parse_math`` is off.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from isbenefit import messages
from isbenefit.documents import numbers
from isbenefit.ledger.contract import FLOW_KINDS
from isbenefit.messages import say

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn (a certificate draws none)
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

INK = "#1d2b36"
MUTED = "#64748b"
GRID = "#e2e8f0"
BASELINE = "#9aa8b8"
SYMBIOSIS = "#0f766e"
FLOW_COLOURS = {flow.name: flow.colour for flow in FLOW_KINDS}
OTHER_COLOUR = "#7c3aed"

STYLE: dict[Any, Any] = {
    "svg.hashsalt": "isbenefit",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "text.usetex": False,
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "axes.titlesize": 9,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "legend.frameon": False,
}
_WIDTH_IN = 6.7


@contextmanager
def chart_style() -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(STYLE):
        yield


def new_figure(size: tuple[float, float]) -> Figure:
    """A matplotlib figure of ``size`` inches (no pyplot)."""
    from matplotlib.figure import Figure

    return Figure(figsize=size)


def to_svg(figure: Figure) -> bytes:
    """The figure as stable SVG bytes."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(figure)
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="svg", metadata={"Date": None}, bbox_inches="tight", pad_inches=0.04
    )
    return buffer.getvalue()


def _thousands(value: float, _position: object) -> str:
    """An axis figure, in the separators of the document's language."""
    if value == 0:
        return "0"
    text = f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}"
    if messages.current_language() == messages.SOURCE_LANGUAGE:
        return text
    return numbers.localised(text.replace("-", numbers.MINUS, 1))


def flow_label(flow: str) -> str:
    """A flow kind's label in the document's language (ledger.contract.FLOW_KINDS)."""
    labels = {kind.name: kind.label for kind in FLOW_KINDS}
    return say(labels.get(flow, flow.capitalize()))


def _tidy(axes: Axes, xlabel: str) -> None:
    from matplotlib.ticker import FuncFormatter

    axes.set_xlabel(xlabel, color=MUTED)
    axes.xaxis.set_major_formatter(FuncFormatter(_thousands))
    axes.grid(axis="x", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="y", length=0)
    axes.axvline(0, color=MUTED, linewidth=0.6)


def shorten(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def emissions_by_exchange(
    labels: Sequence[str],
    baseline_t: Sequence[float],
    symbiosis_t: Sequence[float],
) -> bytes:
    """Grouped horizontal bars: baseline versus symbiosis emissions per exchange (t CO2e)."""
    with chart_style():
        height = min(9.0, 0.9 + 0.42 * len(labels))
        figure = new_figure((_WIDTH_IN, height))
        axes = figure.add_subplot()
        positions = list(range(len(labels)))[::-1]
        bar = 0.38
        axes.barh(
            [p + bar / 2 for p in positions],
            baseline_t,
            height=bar,
            color=BASELINE,
            label=say(messages.BASELINE_BARS),
        )
        axes.barh(
            [p - bar / 2 for p in positions],
            symbiosis_t,
            height=bar,
            color=SYMBIOSIS,
            label=say(messages.SYMBIOSIS_BARS),
        )
        axes.set_yticks(positions, labels=[shorten(label) for label in labels])
        _tidy(axes, say(messages.CHART_UNIT))
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2)
        return to_svg(figure)


def bars_by_flow(flows: Sequence[str], values: Sequence[float], unit: str) -> bytes:
    """One horizontal bar per flow kind, coloured by flow."""
    with chart_style():
        figure = new_figure((_WIDTH_IN, 0.8 + 0.4 * len(flows)))
        axes = figure.add_subplot()
        positions = list(range(len(flows)))[::-1]
        colours = [FLOW_COLOURS.get(flow, OTHER_COLOUR) for flow in flows]
        axes.barh(positions, values, height=0.55, color=colours)
        axes.set_yticks(positions, labels=[flow_label(flow) for flow in flows])
        _tidy(axes, unit)
        return to_svg(figure)


def trend_by_year(
    years: Sequence[str], annual: Sequence[float], unit: str, bars: str, line: str
) -> bytes:
    """Vertical bars of the total of each year and a line of their running sum."""
    from itertools import accumulate

    from matplotlib.ticker import FuncFormatter

    with chart_style():
        figure = new_figure((_WIDTH_IN, 2.2))
        axes = figure.add_subplot()
        axes.bar(list(years), annual, width=0.55, color=SYMBIOSIS, label=bars)
        axes.plot(list(years), list(accumulate(annual)), color=INK, marker="o",
                  markersize=3.5, linewidth=1.2, label=line)  # fmt: skip
        axes.set_ylabel(unit, color=MUTED)
        axes.yaxis.set_major_formatter(FuncFormatter(_thousands))
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.legend(loc="upper left", ncols=2)
        return to_svg(figure)
