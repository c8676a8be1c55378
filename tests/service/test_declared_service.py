"""Declared jobs and money in the service: kept from the imported ledger like the rates,
assessed with the year's confirmed exchanges, shown on the year's page apart from the
computed figures; only the facilitator records them."""

from __future__ import annotations

import io

from django.test import TestCase
from openpyxl import load_workbook

from isbenefit.service import entries, store, years
from isbenefit.service.ledgers import LedgerData
from tests.service.helpers import KALVO, client_for, example_cluster, users


def _confirm_all(cluster, user) -> None:  # type: ignore[no-untyped-def]
    for version in store.current_versions(cluster):
        for party in ("supplier", "receiver"):
            store.confirm(version, party, user, on_behalf=True)


class DeclaredInTheService(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = example_cluster("declared")
        cls.users = users(cls.cluster)
        _confirm_all(cls.cluster, cls.users["facilitator"])
        cls.version = years.close(cls.cluster, 2024, cls.users["facilitator"], "annual close")

    def test_the_year_page_shows_the_declared_figures_of_the_year(self) -> None:
        # The example declares 2 FTE created by kal-biogas-2023-24 (2023-07-01 to
        # 2024-06-30: 182 of its 366 days in 2024), 3 FTE safeguarded by hbg-heat-2024 and
        # a public grant of EUR 150,000 in 2024; the DKK investment falls in 2023.
        declared = {d["figure"]: d["amount"] for d in self.version.totals["declared"]}
        assert declared["jobs_created"] == 2 * 182 / 366
        assert declared["jobs_safeguarded"] == 3.0
        assert declared["other_money"] == 150_000.0
        assert "private_investment" not in declared
        assert self.version.totals["saved"]  # the computed figures stay where they were
        page = client_for(self.users["facilitator"]).get("/years/2024/").content.decode()
        assert "Declared figure (not computed; each row once)" in page
        assert "Jobs created (declared)" in page and "1.0 FTE" in page
        assert "Other money (declared): public grant" in page and "150,000 EUR" in page

    def test_the_export_carries_the_rows_of_its_exchanges(self) -> None:
        workbook = load_workbook(io.BytesIO(store.export_xlsx(self.cluster, 2024)))
        rows = list(workbook["declared"].iter_rows(values_only=True))
        header, body = rows[0], rows[1:]
        exchanges = {row[header.index("exchange")] for row in body}
        assert exchanges == {"kal-biogas-2023-24", "hbg-heat-2024", None}

    def test_a_member_may_not_record_declared_figures(self) -> None:
        data = LedgerData(
            headers={"declared": ["figure", "amount", "organisation", "year"]},
            sheets={"declared": [{"figure": "jobs_created", "amount": "1",
                                  "organisation": KALVO, "year": "2024"}]},
        )  # fmt: skip
        problems = entries.upload_refusals(self.users["member"], self.cluster, "x.csv", data)
        assert [p.message for p in problems] == [
            "only the facilitator records declared jobs and money"
        ]
