"""The network diagram of a large cluster: the busiest organisations, the rest grouped."""

from __future__ import annotations

import pytest

from isbenefit.documents import report_pdf
from isbenefit.documents.network import GROUPED, Edge, condense
from isbenefit.documents.report import report_context
from isbenefit.results.model import Results
from tests.documents_helpers import EPOCH, flat, pdf_text
from tests.sample_results import sample_results

NODES = [(name, f"Org {name}") for name in "ABCDE"]
# |weight| per organisation: A 10+4+1 = 15, B 10+2 = 12, C 4+3 = 7, D 2+3+0.5 = 5.5,
# E 1+0.5 = 1.5.
EDGES = [
    Edge("A", "B", "material", 10.0),
    Edge("A", "C", "energy", 4.0),
    Edge("E", "A", "water", -1.0),
    Edge("B", "D", "material", 2.0),
    Edge("C", "D", "material", 3.0),
    Edge("D", "E", "water", 0.5),
]


def test_a_small_network_is_drawn_as_it_is() -> None:
    drawn = condense(NODES, EDGES)
    assert drawn.nodes == tuple(NODES) and drawn.edges == tuple(EDGES)
    assert (drawn.grouped, drawn.hidden, drawn.merged) == (0, 0, False)


def test_a_large_network_keeps_the_busiest_and_groups_the_rest() -> None:
    drawn = condense(NODES, EDGES, max_nodes=3)
    # A (15) and B (12) are kept; C, D and E become one node.
    assert drawn.nodes == (("A", "Org A"), ("B", "Org B"), (GROUPED, "3 other organisations"))
    assert drawn.grouped == 3
    # C->D (3) and D->E (0.5) run between grouped organisations: not drawn.
    assert drawn.hidden == 2
    assert sorted(drawn.edges, key=lambda e: (e.supplier, e.receiver, e.flow)) == [
        Edge("A", "B", "material", 10.0),
        Edge("A", GROUPED, "energy", 4.0),
        Edge("B", GROUPED, "material", 2.0),
        Edge(GROUPED, "A", "water", -1.0),
    ]


def test_parallel_arrows_of_one_flow_are_merged_with_their_sum() -> None:
    many = [Edge("A", "B", "material", 1.5)] * 3 + [Edge("A", "B", "energy", -0.5)] * 2
    drawn = condense(NODES[:2], many, max_edges=4)
    assert drawn.grouped == 0 and drawn.merged
    assert set(drawn.edges) == {Edge("A", "B", "material", 4.5), Edge("A", "B", "energy", -1.0)}


def test_ties_are_broken_by_id_so_the_figure_is_stable() -> None:
    even = [Edge("D", "C", "material", 1.0), Edge("B", "A", "material", 1.0)]
    drawn = condense(NODES[:4], even, max_nodes=3)
    assert [node for node, _ in drawn.nodes] == ["A", "B", GROUPED]


def test_the_report_of_a_large_cluster_says_what_it_grouped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    names = [f"Organisation {index:02d}" for index in range(40)]
    results = sample_results(names, exchanges_per_org=2)
    context = report_context(Results.from_results(results), "2024")
    text = flat(pdf_text(report_pdf(results, "2024")))
    assert "The 23 organisations with the most t CO₂e in their exchanges are drawn; " in text
    assert "the other 17 are one circle." in text
    assert "17 other organisations" in context.network.data.decode()
