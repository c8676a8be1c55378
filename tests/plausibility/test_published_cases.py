"""Plausibility checks: industrial-symbiosis results published by others, redone with isbenefit.

Each test writes one published exchange as a ledger, assesses it with the DEFAULT factor set
(`isbenefit.assess` on CSV files, no `factors` argument) and asserts that isbenefit's saving
lands in a band justified from what the source states. Every band is computed from the
published numbers (and, where said, from another published source), never from isbenefit's
own output. Where isbenefit cannot land in a justified band the test is a strict xfail: a
known gap, shown as such by the suite, and a failure if the gap ever closes unnoticed.

The ledger of each case is built by a `*_ledger` function so that the figures of README.md
(beside this file) can be recomputed from exactly the ledgers the tests assess.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from isbenefit import assess
from tests.conftest import REPO, exchange, write_ledger
from tests.plausibility.bands import assert_in_band

HEATING_VALUES = REPO / "factors" / "isbenefit-open" / "heating_values.csv"
KG_PER_T = 1000.0


def only_exchange(folder: Path) -> dict[str, Any]:
    """The results entry of the ledger's single exchange, assessed with the default set."""
    (only,) = assess(folder).results["exchanges"]
    return only


def natural_gas_gross_kwh_per_m3() -> float:
    """Gross heating value of natural gas per m3, as the default set states it (data file)."""
    with HEATING_VALUES.open(encoding="utf-8") as stream:
        rows = csv.DictReader(stream)
        return next(
            float(r["gcv_kwh"]) for r in rows if r["fuel"] == "natural_gas" and r["unit"] == "m3"
        )


# --- surplus heat replacing fossil heat -----------------------------------------------------

SELCHP_HEAT_KWH = 75e6  # "75 GWh per year of low carbon heat"
SELCHP_SAVED_T = 14_000  # "an estimated 14,000 tonnes of CO2 emissions a year"
SELCHP_HEAT_OWN_KG_PER_KWH = 0.026  # the delivered heat "emitting only 0.026 kgCO2/kWh"


def selchp_heat_ledger(folder: Path) -> Path:
    return write_ledger(
        folder,
        [
            exchange(
                id="selchp-southwark-heat",
                # The source gives a yearly figure for a planned network and no start year:
                # any full calendar year stands for "a year".
                period_start="2025-01-01",
                period_end="2025-12-31",
                supplier="selchp-erf",
                receiver="southwark-estates",
                flow="energy",
                resource="heat from an energy recovery facility, hot water up to 95 C",
                quantity="75",
                unit="GWh",
                data_quality="estimated",
                # "compared to the current natural gas or oil boiler derived heat supplies":
                # the set's gas boiler is the smaller of the two credits (docs/baselines.md).
                # The source states no boiler efficiency, so the row's own 0.90 (gross CV)
                # stays: a high efficiency gives the smaller credit. No network-loss figure is
                # given either; ratio 1, as the source's own arithmetic implies (its saving
                # plus 0.026 kg/kWh is 0.213 kg per kWh of the 75 GWh, gas-boiler heat).
                baseline_supply="energy.heat_natural_gas_boiler",
                # Surplus heat costs nothing to release: no baseline_disposal. The 0.026
                # kg/kWh of the heat itself has no row in the default set and the source does
                # not say what it is made of (lost generation, pumping): not ledgered; the
                # band below compares like with like instead.
                evidence="Green Solutions Magazine, Veolia SELCHP heat network announcement",
            )
        ],
    )


def test_surplus_heat_selchp_southwark(tmp_path: Path) -> None:
    """Heat from Veolia's SELCHP energy recovery facility replacing estate boilers (London).

    Source: Green Solutions Magazine, "Veolia accelerates the decarbonisation of municipal heat
    with energy from waste in London" (trade-press reproduction of a Veolia UK announcement;
    undated in the stored copy, which mentions Southwark Council's local development order
    approved "earlier this year"),
    https://greensolutionsmag.co.uk/post/veolia-accelerates-the-decarbonisation-of-municipal-heat-with-energy-from-waste-in-london

    Published figure: "an estimated 14,000 tonnes of CO2 emissions a year" (annual, projected
    for a planned network) from "75 GWh per year of low carbon heat" supplied to 4,700 homes
    across 11 social-housing estates and schools; the delivered heat is said to emit
    "0.026 kgCO2/kWh".

    Baseline of the source: "the current natural gas or oil boiler derived heat supplies";
    boiler efficiency and fuel split not stated.

    Band: the 14,000 t is net of the heat's own 0.026 kg/kWh (1,950 t at 75 GWh), which the
    default set cannot carry (no row, and the source does not break it down), so the ledger
    holds only the displaced boiler heat. Its counterpart in the source is the gross figure
    14,000 + 75 GWh x 0.026 kg/kWh = 15,950 t. We accept 0.85x to 1.05x of that: above, only
    the rounding of "estimated 14,000" and of 0.026 (two figures each), because a gas boiler
    is the lower of the source's two baselines; below, 15 %, because the source's baseline
    also holds oil and older boilers than the set's assumed 0.90 (a gas boiler at 0.80
    instead of 0.90 already makes 11 %).
    """
    result = only_exchange(selchp_heat_ledger(tmp_path))
    published_gross_t = SELCHP_SAVED_T + SELCHP_HEAT_KWH * SELCHP_HEAT_OWN_KG_PER_KWH / KG_PER_T
    assert_in_band(
        result["saved"]["co2e_kg"] / KG_PER_T,
        0.85 * published_gross_t,
        1.05 * published_gross_t,
        "SELCHP heat, t CO2e a year",
    )


# --- biogas replacing natural gas -----------------------------------------------------------

KALUNDBORG_GAS_M3 = 8_000_000  # "8 million m3 of natural gas per year"
KALUNDBORG_SAVED_T = 17_000  # "a CO2 reduction of approximately 17,000 tonnes of CO2 per year"


def kalundborg_biogas_ledger(folder: Path) -> Path:
    biomethane_kwh = KALUNDBORG_GAS_M3 * natural_gas_gross_kwh_per_m3()
    return write_ledger(
        folder,
        [
            exchange(
                id="kalundborg-bioenergy-2019",
                # Inaugurated in June 2018; the release gives a yearly figure: the first full
                # calendar year stands for it.
                period_start="2019-01-01",
                period_end="2019-12-31",
                supplier="kalundborg-bioenergy",
                receiver="gas-grid-customers",
                flow="energy",
                resource="upgraded biogas from insulin and enzyme residues, injected into the grid",
                # "m3 of natural gas": natural-gas-equivalent cubic metres, the unit of
                # energy.natural_gas_m3 (DESNZ states no reference conditions; Nm3 would not
                # convert, and the release does not say Nm3).
                quantity=str(KALUNDBORG_GAS_M3),
                unit="m3",
                data_quality="estimated",
                baseline_supply="energy.natural_gas_m3",
                # The residues were already spread as fertiliser before and the digestate
                # still is: their own baseline belongs to the substrate exchange, not here
                # (docs/baselines.md). Transport of residues, upgrading and injection energy
                # are not stated by the source and are not ledgered.
                evidence="Novo Nordisk, Novozymes, Bigadan, DONG Energy press release 2017-03-23",
            )
        ],
        inputs=[
            {
                "exchange": "kalundborg-bioenergy-2019",
                "activity": "energy.biogas",
                # Combustion CH4 and N2O of the biomethane itself (docs/baselines.md), at the
                # gross heating value of the natural gas it stands for: the larger of the two
                # bases, so the smaller saving.
                "quantity": f"{biomethane_kwh:.0f}",
                "unit": "kWh",
                "note": "combustion of the biomethane, gross CV of natural gas",
            }
        ],
    )


def test_biogas_kalundborg_bioenergy(tmp_path: Path) -> None:
    """Biogas from pharma and enzyme residues replacing natural gas (Kalundborg, Denmark).

    Source: Novo Nordisk, Novozymes, Bigadan and DONG Energy (now Orsted), joint press release
    "Residues from Novo Nordisk and Novozymes to be converted into biogas", 23 March 2017, as
    reproduced by chemicalparks.eu,
    https://chemicalparks.eu/news/2017-3-23-residues-from-novo-nordisk-and-novozymes-to-be-converted-into-biogas
    (same facts on chemxplore.com; plant inaugurated June 2018, renews.biz).

    Published figure: "a CO2 reduction of approximately 17,000 tonnes of CO2 per year"
    (annual, projected before start-up) for an output stated as "8 million m3 of natural gas
    per year", from about 300,000 t/yr of residues.

    Baseline of the source: natural gas replaced ("The produced biogas will replace natural
    gas"), combustion only: nothing on upstream gas, upgrading energy, methane slip or
    residue transport; 17,000 t / 8,000,000 m3 = 2.13 kg CO2 per m3.

    Band: 17,000 t +/- 10 %. The release rounds to two figures ("approximately", +/- 3 %) and
    does not state its gas factor; the implied 2.13 kg/m3 differs from the set's UK gas
    (combustion only, like the release) by a few per cent, as the heating value of the gas
    in a cubic metre does. Adding upstream gas (a well-to-tank row) would leave this band,
    because the release does not count it.
    """
    result = only_exchange(kalundborg_biogas_ledger(tmp_path))
    assert_in_band(
        result["saved"]["co2e_kg"] / KG_PER_T,
        0.9 * KALUNDBORG_SAVED_T,
        1.1 * KALUNDBORG_SAVED_T,
        "Kalundborg biogas, t CO2e a year",
    )


# --- by-product (FGD) gypsum replacing natural gypsum ---------------------------------------

FGD_GYPSUM_T = 7_500_000  # "Approximately 7.5 Mt is used in wallboard production"
FGD_SAVED_T = 83_000  # GHG -83 kt CO2e for 2007 consumption
FGD_WATER_SAVED_M3 = 18e6  # water -18 GL for 2007 consumption


def fgd_gypsum_ledger(folder: Path) -> Path:
    return write_ledger(
        folder,
        [
            exchange(
                id="us-fgd-gypsum-wallboard-2007",
                period_start="2007-01-01",
                period_end="2007-12-31",
                supplier="us-power-utilities",
                receiver="us-wallboard-plants",
                flow="material",
                resource="FGD gypsum",
                quantity="7.5",
                unit="Mt",
                # The source's supplier baseline: FGD gypsum to a Subtitle D landfill, whose
                # inventory is landfill operation (gypsum holds no organic carbon). The
                # inert row is that; landfill.plasterboard is for board waste, paper facing
                # and all, and would give a saving 7 times the published one.
                baseline_disposal="landfill.inert",
                # "obtaining and processing" of mined gypsum: natural gypsum rock, tonne for
                # tonne on a dry basis (docs/baselines.md).
                baseline_supply="prod.gypsum_natural",
                # Haulage is not given in the abstract: none on either side.
                evidence="Lee, Bradshaw, Edil, Benson 2012, CCGP 4(1) 17-20",
            )
        ],
    )


def test_fgd_gypsum_us_wallboard_co2(tmp_path: Path) -> None:
    """FGD gypsum replacing mined gypsum in US wallboard: greenhouse gases.

    Source: J.C. Lee, S.L. Bradshaw, T.B. Edil, C.H. Benson, "Quantifying the Benefits of
    Using Flue Gas Desulfurization Gypsum in Sustainable Wallboard Production", Coal
    Combustion and Gasification Products 4(1) (2012) 17-20, doi:10.4177/CCGP-D-11-00007.1
    (abstract read at https://uknowledge.uky.edu/ccgpj/65).

    Published figure: for 2007 consumption (annual), GHG -83 kt CO2e (also energy -1,200 TJ,
    water -18 GL), for the "approximately 7.5 Mt" of FGD gypsum used in wallboard each year
    (the abstract gives the tonnage without a year; we take it as the 2007 quantity).

    Baseline of the source: obtaining and processing virgin gypsum, plus disposing of the
    unused FGD gypsum in (Subtitle D) landfills; US life-cycle data.

    Band: 0.5x to 1.5x of 83 kt. The baseline elements are the same (rock extraction and
    processing, landfill of the by-product) but the data are not: US energy mix and landfill
    inventory against the UK DESNZ rows, with primary aggregates as the proxy for gypsum
    rock. Half as much again or half as little is the size of that difference: the set's
    own uncertainty rule gives the proxy a gsd of 1.3, a 95 % range of 0.6x to 1.67x, before
    the landfill row (gsd 1.5) is counted. The old plasterboard proxy (120.05 kg/t, 11 times
    the published figure) falls far outside the band.
    """
    result = only_exchange(fgd_gypsum_ledger(tmp_path))
    assert_in_band(
        result["saved"]["co2e_kg"] / KG_PER_T,
        0.5 * FGD_SAVED_T,
        1.5 * FGD_SAVED_T,
        "US FGD gypsum, t CO2e in 2007",
    )


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="known gap: the default set has no freshwater factor for gypsum rock or landfill, "
    "so isbenefit reports 0 m3 where Lee et al. 2012 publish 18 GL saved.",
)
def test_fgd_gypsum_us_wallboard_water(tmp_path: Path) -> None:
    """FGD gypsum replacing mined gypsum in US wallboard: water. Known gap.

    Source: as test_fgd_gypsum_us_wallboard_co2 (Lee et al. 2012, doi:10.4177/CCGP-D-11-00007.1,
    https://uknowledge.uky.edu/ccgpj/65), same ledger.

    Published figure: water -18 GL (18 million m3) for 2007 consumption, about 2.4 m3 per
    tonne of FGD gypsum, from the same baseline (obtaining and processing virgin gypsum,
    landfill of unused FGD gypsum).

    Band: 0.5x to 1.5x of 18 million m3, for the same reasons as the greenhouse-gas test.

    Why it fails: every material row of the default set leaves `water_m3` blank (no openly
    licensed per-tonne freshwater source was found, factors/isbenefit-open/README.md), and
    blank means 0, so no water saving is ever claimed for a displaced material: isbenefit
    reports 0 m3. That is the conservative direction and the right thing to do without a
    source, but it is a gap against a published figure. When the set gains a sourced water
    factor for gypsum rock, this test passes and strict xfail fails the suite, so that the
    gap is closed on purpose: move the test out of xfail then.
    """
    result = only_exchange(fgd_gypsum_ledger(tmp_path))
    assert_in_band(
        result["saved"]["water_m3"],
        0.5 * FGD_WATER_SAVED_M3,
        1.5 * FGD_WATER_SAVED_M3,
        "US FGD gypsum, m3 water in 2007",
    )


# --- slag (GGBS) in cement ------------------------------------------------------------------

GGBS_T = 2_000_000  # "the UK uses up to two million tonnes of GGBS as cement"
GGBS_SAVED_T = 2_000_000  # "reduces carbon dioxide emissions by some two million tonnes"
GGBS_OWN_KG_PER_T = 67.0  # "to produce 1 tonne of GGBS was 67kg CO2e" (2010)
GGBS_FRACTION_OF_PORTLAND = 1 / 15  # "less than a fifteenth" of Portland cement's CO2
# Worrell et al. 2001: world cement 1994, 160 MtC of process (calcination) carbon out of
# 307 MtC in all (the rest from fuel and electricity).
CALCINATION_SHARE = 160 / 307


def ggbs_cement_ledger(folder: Path) -> Path:
    return write_ledger(
        folder,
        [
            exchange(
                id="uk-ggbs-as-cement",
                # "Each year": the year of the source's GGBS emission figure stands for it.
                period_start="2010-01-01",
                period_end="2010-12-31",
                supplier="uk-slag-makers",
                receiver="uk-concrete-producers",
                flow="material",
                resource="ground granulated blast-furnace slag (GGBS)",
                quantity="2",
                unit="Mt",
                data_quality="estimated",
                # Used "as cement": Portland cement displaced tonne for tonne, as the source
                # implies. The set's row counts calcination CO2 only (kiln fuel and
                # electricity excluded), the conservative side for a displaced product.
                baseline_supply="prod.cement",
                # Landfill of slag is only a "potential" fate in the source: not a baseline.
                # The source's 67 kg CO2e per tonne of GGBS (drying and grinding) has no row
                # in the default set and no split into fuel and electricity: not ledgered;
                # the band below is set on the same scope.
                evidence="CSMA, Sustainability web page",
            )
        ],
    )


def test_ggbs_uk_cement(tmp_path: Path) -> None:
    """GGBS used as cement in the UK, replacing Portland cement.

    Source: Cementitious Slag Makers Association (CSMA), "Sustainability" web page,
    http://ukcsma.co.uk/sustainability/ (trade association, undated in the stored copy,
    cites a 2010 figure; not peer reviewed). Second source, for the band:
    E. Worrell, L. Price, N. Martin, C. Hendriks, L. Ozawa Meida, "Carbon dioxide emissions
    from the global cement industry", Annual Review of Energy and the Environment 26 (2001)
    303-329, doi:10.1146/annurev.energy.26.1.303.

    Published figure: "Each year, the UK uses up to two million tonnes of GGBS as cement",
    which "reduces carbon dioxide emissions by some two million tonnes" (annual, "up to");
    producing GGBS emitted 67 kg CO2e per tonne (CSMA members, 2010), "less than a fifteenth"
    of Portland cement.

    Baseline of the source: Portland cement displaced tonne for tonne, its full footprint
    (calcination, kiln fuel, electricity), net of making the GGBS.

    Band: by the source's numbers the Portland cement displaced per tonne of GGBS emits at
    least 15 x 67 = 1,005 kg ("less than a fifteenth") and about 2 Mt / 2 Mt + 67 kg = 1,067
    kg (the headline, which is net of the 67 kg). The ledger counts the calcination CO2 of
    that cement only (the set's prod.cement) and not the 67 kg, so it should find the
    calcination share of 1,005 to 1,067 kg per tonne. Worrell et al. put calcination at
    160 of 307 MtC of the world's cement emissions (52 %, 1994); we allow 20 % either way
    around that share, which is a world average of another period and cement mix, not a UK
    CEM I figure: 0.8 x 0.52 x 1,005 to 1.2 x 0.52 x 1,067 kg per tonne of GGBS.
    """
    result = only_exchange(ggbs_cement_ledger(tmp_path))
    portland_floor_kg_per_t = GGBS_OWN_KG_PER_T / GGBS_FRACTION_OF_PORTLAND
    portland_headline_kg_per_t = GGBS_SAVED_T / GGBS_T * KG_PER_T + GGBS_OWN_KG_PER_T
    low_t = 0.8 * CALCINATION_SHARE * portland_floor_kg_per_t * GGBS_T / KG_PER_T
    high_t = 1.2 * CALCINATION_SHARE * portland_headline_kg_per_t * GGBS_T / KG_PER_T
    assert_in_band(result["saved"]["co2e_kg"] / KG_PER_T, low_t, high_t, "UK GGBS, t CO2e a year")


# --- excavated spoil reused instead of landfilled -------------------------------------------

NISP_SPOIL_T = 230_000  # "diverted over 230,000 tonnes of excavated material from landfill"
NISP_SAVED_T = 27_190  # "cut CO2 emissions by a total of 27,190 tonnes to date" (3 years)


def nisp_spoil_ledger(folder: Path) -> Path:
    return write_ledger(
        folder,
        [
            exchange(
                id="nisp-thames-water-spoil",
                # "active for three years ... to date": the source names no years; three
                # calendar years stand for them (the exchange's total does not depend on it).
                period_start="2008-01-01",
                period_end="2010-12-31",
                supplier="thames-water-mains-works",
                receiver="deposition-site-works",
                flow="material",
                resource="excavated clay and spoil, reprocessed",
                quantity=str(NISP_SPOIL_T),
                unit="t",
                # Disposal: the soils landfill row (clay and spoil), the larger of the set's
                # two landfill rows for spoil (landfill.inert is 1.26 kg/t), so that the gap
                # below is not an artefact of a conservative choice. DESNZ landfill rows
                # include collection and haulage to the landfill.
                baseline_disposal="landfill.soils",
                # "input savings": the spoil built infrastructure at the deposition site
                # instead of bought fill.
                baseline_supply="prod.aggregates",
                # "transport savings": the source gives no distance for any leg, so neither
                # the haul to the deposition site nor the avoided haul of fill is ledgered.
                evidence="edie.net, Carbon reduction project winner: International Synergies",
            )
        ],
    )


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="known gap: with the baseline elements the source names, the default set reaches "
    "about a quarter of the published 27,190 t; the rest (~91 kg/t) is unexplained.",
)
def test_excavated_spoil_nisp_thames_water(tmp_path: Path) -> None:
    """Excavated clay and spoil reused instead of landfilled (NISP, Thames Water, UK). Known gap.

    Source: edie.net, "Carbon reduction project winner: International Synergies" (edie
    Awards write-up; undated in the stored copy, the text implies about 2010-2011),
    https://www.edie.net/carbon-reduction-project-winner-international-synergies/ . The
    underlying NISP case-study sheet was not found.

    Published figure: the synergy, "active for three years", "diverted over 230,000 tonnes of
    excavated material from landfill and cut CO2 emissions by a total of 27,190 tonnes to
    date": cumulative over three years, not annual; 118 kg CO2 per tonne.

    Baseline of the source: "a combination of input, transport and disposal savings":
    landfill of the spoil, virgin fill, haulage. No factors or distances are given.

    Band: 0.5x to 1.0x of 27,190 t. Above 1.0 would mean isbenefit finds more than the
    source although the ledger leaves out the transport savings the source counts (no
    distances are published). Below half, the figure does not reproduce the published one
    whatever the reason.

    Why it fails: landfill of soils (19.5 kg/t, DESNZ, haulage to landfill included) plus
    primary aggregates (7.8 kg/t) give 27.3 kg per tonne, 6,288 t, 23 % of the published
    figure. The remaining ~91 kg/t would have to be transport savings: at the set's 0.10 kg
    per tonne-km of an average HGV, about 900 km of haul avoided per tonne of spoil, which is
    not plausible for a local landfill run. So the gap lies in the published baseline (or
    factors NISP does not publish), not in an isbenefit error; the figure is an example of a
    programme claim that may be overstated. Should the default set (or the ledger, once the
    source's distances are found) ever reach the band, strict xfail fails the suite, so that
    the change is looked at: find out why before moving the test out of xfail.
    """
    result = only_exchange(nisp_spoil_ledger(tmp_path))
    assert_in_band(
        result["saved"]["co2e_kg"] / KG_PER_T,
        0.5 * NISP_SAVED_T,
        1.0 * NISP_SAVED_T,
        "NISP spoil, t CO2e over three years",
    )


# --- water reuse ----------------------------------------------------------------------------

KWINANA_SAVED_M3 = 6_000_000  # "an additional six million kilolitres ... annually"; 1 kL = 1 m3


def kwinana_water_ledger(folder: Path) -> Path:
    return write_ledger(
        folder,
        [
            exchange(
                id="kwinana-recycled-water",
                # Opened on 4 November 2004; the statement's figure is yearly: the first full
                # calendar year stands for it.
                period_start="2005-01-01",
                period_end="2005-12-31",
                supplier="kwinana-water-reclamation-plant",
                receiver="kwinana-industries",
                flow="water",
                resource="secondary-treated wastewater, filtered and reverse-osmosis treated",
                # Recycled water delivered, cubic metre for cubic metre of the scheme water it
                # frees: the statement gives the annual volume in kilolitres, which
                # isbenefit does not take; 6 million kL = 6 million m3. (The same statement's
                # "six million litres per day" less discharged to the sea is another quantity:
                # 2.2 million m3 a year; ledgering it here would be a unit trap.)
                quantity=str(KWINANA_SAVED_M3),
                unit="m3",
                data_quality="estimated",
                # "greatly reducing industry demand on Perth's public water supply scheme":
                # mains water (UK factor as a proxy for its CO2; 1 m3 freshwater per m3).
                baseline_supply="water.mains",
                # The feed is effluent that was treated and sent to the ocean outfall before
                # and still is treated the same way: no baseline_disposal. The reverse-osmosis
                # energy is not stated by the source and is not ledgered; it would change the
                # CO2, not the freshwater, and withdraws no freshwater itself.
                evidence="Government of Western Australia media statement 2004-11-04",
            )
        ],
    )


def test_water_reuse_kwinana(tmp_path: Path) -> None:
    """Recycled wastewater replacing scheme water at Kwinana (Western Australia).

    Source: Government of Western Australia, media statement "Industry taking part in major
    water recycling initiative", Premier Geoff Gallop, 4 November 2004,
    https://www.wa.gov.au/government/media-statements/Gallop%20Labor%20Government/Industry-taking-part-in-major-water-recycling-initiative-20041104
    (the Kwinana Water Reclamation Plant, Water Corporation, opened that day).

    Published figure: the plant "will allow an additional six million kilolitres of water to be
    available annually for the public scheme" (annual, projected at opening): 6 million m3 of
    freshwater a year.

    Baseline of the source: Kwinana industries' demand on the public water supply scheme,
    replaced by recycled water from the Woodman Point wastewater treatment plant that would
    otherwise be pumped into the ocean.

    Band: 5.5 to 6.5 million m3. The statement gives the saving as the volume supplied, so
    the test checks isbenefit's water bookkeeping: 1 m3 of freshwater per m3 of scheme water
    displaced, none charged for the treated-effluent feed, the unit converted as written.
    "six million" has one figure, hence +/- half a million.
    """
    result = only_exchange(kwinana_water_ledger(tmp_path))
    assert_in_band(
        result["saved"]["water_m3"],
        KWINANA_SAVED_M3 - 500_000,
        KWINANA_SAVED_M3 + 500_000,
        "Kwinana recycled water, m3 a year",
    )
