"""Figures people read on the service's pages (issue 22, item 6): the year page prints the
labels of the one table of reported quantities, tonnes rounded by the rule the documents
use (computed here by hand from the tiny factor set) and money with its currency;
organisations by name with the id on hover; the exchange form in fieldsets with a
searchable list of activities and a unit check naming the units that fit; destructive
actions styled apart and confirmed on a page of their own, all without a script."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.test import TestCase

from isbenefit.service import entries, store, years
from isbenefit.service.accounts import add_user
from isbenefit.service.models import Exchange, Organisation
from tests.conftest import TINY_FACTORS, F, exchange, write_ledger
from tests.service.helpers import PASSWORD, client_for

Q = 12187.0  # tonnes of gypsum replacing prod.gypsum, kept out of landfill.inert
SUPPLIER, RECEIVER = "se-gips", "dk-plade"


def _ledger() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="isbenefit-figures-"))
    row = exchange(
        id="gyp-2024",
        supplier=SUPPLIER,
        receiver=RECEIVER,
        quantity=f"{Q:g}",
        baseline_disposal="landfill.inert",
        baseline_supply="prod.gypsum",
        price="10",
        currency="EUR",
    )
    organisations = [
        {"id": SUPPLIER, "name": "Gipsværk Syd AB"},
        {"id": RECEIVER, "name": "Pladefabrik A/S"},
    ]
    return write_ledger(folder / "ledger", [row], organisations=organisations)


class FiguresOnPages(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cluster = store.cluster_named("figures", "Figures cluster")
        cls.cluster.factors = str(TINY_FACTORS)
        cls.cluster.save()
        entries.import_file(cls.cluster, _ledger())
        cls.facilitator = add_user("figures", "f@figures.org", "facilitator", None, PASSWORD)
        cls.member = add_user("figures", "m@figures.org", "member", SUPPLIER, PASSWORD)
        cls.gypsum = Exchange.objects.get(cluster=cls.cluster, exchange_id="gyp-2024")

    def test_the_year_page_prints_labels_tonnes_by_the_rule_and_money_with_currency(
        self,
    ) -> None:
        names = {o.org_id: o.name for o in Organisation.objects.filter(cluster=self.cluster)}
        assert names.get(SUPPLIER) == "Gipsværk Syd AB", names
        for party in ("supplier", "receiver"):
            store.confirm(self.gypsum.current, party, self.facilitator, on_behalf=True)
        years.close(self.cluster, 2024, self.facilitator)
        page = client_for(self.facilitator).get("/years/2024/").content.decode()
        # Q x (120 + 2) kg = 1,486,814 kg: 1,486.814 t to three significant digits.
        co2e = Q * (F["prod.gypsum"][0] + F["landfill.inert"][0]) / 1000
        assert f"{round(co2e, -1):,.0f}" == "1,490"
        row = re.search(
            r'title="saved.co2e_kg">([^<]+)</span></td><td>([^<]+)</td>'
            r'<td class="num">([^<]+)</td><td class="num">([^<]+)</td>',
            page,
        )
        assert row is not None, page
        assert row.groups() == ("CO\u2082e avoided", "t CO\u2082e", "—", "1,490")
        # Water: Q x 0.5 m3/t of virgin gypsum = 6,093.5 m3, three digits: 6,090.
        assert '<td class="num">6,090</td>' in page
        # Money with its currency: 10 EUR/t paid and received nets to 0 for the network.
        assert re.search(r"Money effect, all parties together</span></td><td>EUR</td>", page)
        assert "saved.co2e_kg</td>" not in page  # the key is on hover only, never the label
        # The home page's closed years print the same figure with its unit.
        home = client_for(self.facilitator).get("/").content.decode()
        assert '<th class="num">CO\u2082e avoided</th>' in home
        assert '<td class="num">1,490\u00a0t CO\u2082e</td>' in home

    def test_exchange_pages_name_the_organisations_with_the_id_on_hover(self) -> None:
        client = client_for(self.facilitator)
        listing = client.get("/exchanges/").content.decode()
        assert f'<span title="{SUPPLIER}">Gipsværk Syd AB</span>' in listing
        assert f'<span title="{RECEIVER}">Pladefabrik A/S</span>' in listing
        detail = client.get(f"/exchanges/{self.gypsum.pk}/").content.decode()
        assert "Gipsværk Syd AB" in detail and f'title="{SUPPLIER}"' in detail

    def test_the_exchange_form_is_grouped_with_a_searchable_activity_list(self) -> None:
        page = client_for(self.member).get("/exchanges/new/").content.decode()
        legends = re.findall(r"<legend>([^<]+)</legend>", page)
        assert legends == [
            "Parties and period",
            "What flows",
            "Baseline: what would have happened without the exchange",
            "Transport",
            "Money",
            "Evidence and reason",
        ]
        assert '<datalist id="activities">' in page
        assert '<option value="prod.gypsum">' in page
        assert re.search(r'<input[^>]*name="baseline_supply"[^>]*list="activities"', page) or (
            re.search(r'<input[^>]*list="activities"[^>]*name="baseline_supply"', page)
        )
        assert "<script" not in page

    def test_a_unit_the_activity_cannot_take_is_refused_naming_the_units_that_fit(self) -> None:
        data = {
            "id": "gyp-2",
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "supplier": SUPPLIER,
            "receiver": RECEIVER,
            "flow": "material",
            "resource": "gypsum",
            "quantity": "10",
            "unit": "MWh",
            "baseline_disposal": "landfill.inert",
        }
        answer = client_for(self.member).post("/exchanges/new/", data)
        assert answer.status_code == 200
        error = str(answer.context["form"].errors["unit"])
        assert "MWh does not fit baseline_disposal landfill.inert" in error
        assert "which is counted in t" in error and "kg" in error
        # The page comes back offering only the units that fit.
        options = re.findall(r'<option value="([^"]*)"', answer.content.decode())
        assert "MWh" not in options and "t" in options
        assert not Exchange.objects.filter(exchange_id="gyp-2").exists()

    def test_withdrawing_asks_again_on_a_page_of_its_own_before_it_acts(self) -> None:
        client = client_for(self.facilitator)
        detail = client.get(f"/exchanges/{self.gypsum.pk}/").content.decode()
        assert re.search(r'<button type="submit" class="danger">Withdraw</button>', detail)
        first = client.post(f"/exchanges/{self.gypsum.pk}/withdraw/", {"reason": "duplicate"})
        assert first.status_code == 200
        page = first.content.decode()
        assert "Withdraw exchange gyp-2024?" in page
        assert '<input type="hidden" name="reason" value="duplicate">' in page
        assert '<button type="submit" class="danger">Yes, withdraw</button>' in page
        assert "<script" not in page
        self.gypsum.refresh_from_db()
        assert not self.gypsum.current.withdrawn  # nothing happened yet
        done = client.post(
            f"/exchanges/{self.gypsum.pk}/withdraw/", {"reason": "duplicate", "confirmed": "yes"}
        )
        assert done.status_code == 302
        self.gypsum.refresh_from_db()
        assert self.gypsum.current.withdrawn
