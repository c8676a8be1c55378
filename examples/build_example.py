"""Build the shipped example ledger: a fictional Nordic industrial symbiosis cluster.

The data live here once, as one list of rows per sheet, and are written twice:

- ``examples/nordic-cluster.xlsx``: one workbook with the sheets organisations,
  exchanges, inputs, rates and declared (header in row 1, dates as ISO text);
- ``examples/nordic-cluster/``: the same sheets as UTF-8 CSV files.

The firms are invented; each exchange is modelled on a published Nordic case
(see ``examples/README.md``) and every figure is illustrative. The output is
byte-for-byte reproducible: the workbook's document properties and the zip
entries carry a fixed date.

Run from anywhere:  python examples/build_example.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.xml.functions import tostring

Cell = str | int | float | None
Row = dict[str, Cell]

HERE = Path(__file__).resolve().parent
NAME = "nordic-cluster"
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)
CORE_PROPERTIES = "docProps/core.xml"

COLUMNS: dict[str, list[str]] = {
    "organisations": ["id", "name", "country", "nace", "sme", "eu_ets"],
    "exchanges": [
        "id",
        "period_start",
        "period_end",
        "supplier",
        "receiver",
        "flow",
        "resource",
        "quantity",
        "unit",
        "data_quality",
        "baseline_disposal",
        "baseline_supply",
        "substitution_ratio",
        "baseline_efficiency",
        "mass_t",
        "transport_mode",
        "transport_km",
        "baseline_transport_mode",
        "baseline_transport_km",
        "supplier_share",
        "hazardous",
        "price",
        "supplier_avoided_cost",
        "supplier_extra_cost",
        "receiver_avoided_cost",
        "receiver_extra_cost",
        "currency",
        "evidence",
        # Not in the ledger contract: shows that the engine passes extra columns through.
        "contract_ref",
    ],
    "inputs": ["exchange", "activity", "quantity", "unit", "note"],
    "rates": ["currency", "year", "per_eur"],
    "declared": [
        "figure",
        "amount",
        "exchange",
        "organisation",
        "year",
        "currency",
        "label",
        "declared_by",
        "evidence",
    ],
}

ORGANISATIONS: list[Row] = [
    {
        "id": "dk-kalvo-chp",
        "name": "Kalvø Kraftvarmeværk A/S",
        "country": "DK",
        "nace": "35.11",
        "sme": "no",
        "eu_ets": "yes",
    },
    {
        "id": "dk-kalvo-raff",
        "name": "Kalvø Raffinaderi A/S",
        "country": "DK",
        "nace": "19.20",
        "sme": "no",
        "eu_ets": "yes",
    },
    {
        "id": "dk-naestved-gips",
        "name": "Næstved Gipsværk A/S",
        "country": "DK",
        "nace": "23.62",
        "sme": "no",
    },
    {
        "id": "dk-hojmark-ferm",
        "name": "Højmark Fermentering A/S",
        "country": "DK",
        "nace": "21.10",
        "sme": "no",
    },
    {
        "id": "dk-rorby-svin",
        "name": "Rørby Svineproduktion I/S",
        "country": "DK",
        "nace": "01.46",
        "sme": "yes",
    },
    {
        "id": "dk-bostrup-biogas",
        "name": "Bøstrup Biogas ApS",
        "country": "DK",
        "nace": "35.21",
        "sme": "yes",
    },
    {
        "id": "se-palsjo-kemi",
        "name": "Pålsjö Kemi AB",
        "country": "SE",
        "nace": "20.13",
        "sme": "no",
    },
    {
        "id": "se-raa-fjv",
        "name": "Råå Fjärrvärme AB",
        "country": "SE",
        "nace": "35.30",
        "sme": "no",
    },
    {
        "id": "se-ohlvik-kv",
        "name": "Öhlvik Kraftvärme AB",
        "country": "SE",
        "nace": "35.11",
        "sme": "no",
        "eu_ets": "yes",
    },
    {
        "id": "se-ostgota-etanol",
        "name": "Östgöta Etanol AB",
        "country": "SE",
        "nace": "20.14",
        "sme": "no",
    },
    {
        "id": "se-soderkoping-rotgas",
        "name": "Söderköpings Rötgas AB",
        "country": "SE",
        "nace": "35.21",
        "sme": "yes",
    },
    {
        "id": "fi-kymijoen-kuitu",
        "name": "Kymijoen Kuitu Oy",
        "country": "FI",
        "nace": "17.11",
        "sme": "no",
    },
    {
        "id": "fi-anjalan-kl",
        "name": "Anjalan Kaukolämpö Oy",
        "country": "FI",
        "nace": "35.30",
        "sme": "yes",
    },
    {
        "id": "fi-kuusankosken-saha",
        "name": "Kuusankosken Saha Oy",
        "country": "FI",
        "nace": "16.10",
        "sme": "yes",
    },
    {
        "id": "fi-jaaskelainen-maa",
        "name": "Jääskeläinen Maarakennus Oy",
        "country": "FI",
        "nace": "42.11",
        "sme": "yes",
    },
    {
        "id": "no-titran-sjomat",
        "name": "Titran Sjømat AS",
        "country": "NO",
        "nace": "10.20",
        "sme": "yes",
    },
    {
        "id": "no-asen-biogass",
        "name": "Åsen Biogass AS",
        "country": "NO",
        "nace": "35.21",
        "sme": "yes",
    },
    {
        "id": "no-fjellstrom-meieri",
        "name": "Fjellstrøm Meieri AS",
        "country": "NO",
        "nace": "10.51",
        "sme": "no",
    },
    {
        "id": "pl-lodz-recykling",
        "name": "Łódź Recykling Sp. z o.o.",
        "country": "PL",
        "nace": "38.32",
        "sme": "yes",
    },
    {
        "id": "pl-malopolskie-drogi",
        "name": "Małopolskie Drogi Sp. z o.o.",
        "country": "PL",
        "nace": "42.11",
        "sme": "no",
    },
    {
        "id": "pl-zolkiewka-cement",
        "name": "Cementownia Żółkiewka S.A.",
        "country": "PL",
        "nace": "23.51",
        "sme": "no",
        "eu_ets": "yes",
    },
]

YEAR_2023 = {"period_start": "2023-01-01", "period_end": "2023-12-31"}
YEAR_2024 = {"period_start": "2024-01-01", "period_end": "2024-12-31"}

EXCHANGES: list[Row] = [
    # Kalundborg-style cluster (DK)
    {
        "id": "kal-gypsum-2023",
        **YEAR_2023,
        "supplier": "dk-kalvo-chp",
        "receiver": "dk-naestved-gips",
        "flow": "material",
        "resource": "FGD gypsum (flue-gas desulphurisation, about 8 % moisture)",
        "quantity": 86400,
        "unit": "t",
        "data_quality": "measured",
        "baseline_disposal": "landfill.inert",
        "baseline_supply": "prod.gypsum_natural",
        "transport_mode": "transport.road_artic",
        "transport_km": 95,
        "baseline_transport_mode": "transport.sea_bulk",
        "baseline_transport_km": 3900,
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 3456000,
        "supplier_avoided_cost": 17280000,
        "supplier_extra_cost": 1296000,
        "receiver_avoided_cost": 19353600,
        "receiver_extra_cost": 7776000,
        "currency": "DKK",
        "evidence": "Weighbridge tickets at the gypsum store, monthly totals WB-2023-01 to -12",
        "contract_ref": "KCS-GYP-2019-04",
    },
    {
        "id": "kal-gypsum-2024",
        **YEAR_2024,
        "supplier": "dk-kalvo-chp",
        "receiver": "dk-naestved-gips",
        "flow": "material",
        "resource": "FGD gypsum (flue-gas desulphurisation, about 8 % moisture)",
        "quantity": 79800,
        "unit": "t",
        "data_quality": "measured",
        "baseline_disposal": "landfill.inert",
        "baseline_supply": "prod.gypsum_natural",
        "transport_mode": "transport.road_artic",
        "transport_km": 95,
        "baseline_transport_mode": "transport.sea_bulk",
        "baseline_transport_km": 3900,
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 3192000,
        "supplier_avoided_cost": 15960000,
        "supplier_extra_cost": 1197000,
        "receiver_avoided_cost": 17875200,
        "receiver_extra_cost": 7182000,
        "currency": "DKK",
        "evidence": "Weighbridge tickets at the gypsum store, monthly totals WB-2024-01 to -12",
        "contract_ref": "KCS-GYP-2019-04",
    },
    {
        "id": "kal-flyash-2024",
        **YEAR_2024,
        "supplier": "dk-kalvo-chp",
        "receiver": "pl-zolkiewka-cement",
        "flow": "material",
        "resource": "fly ash from co-firing SRF, EWC 10 01 16*",
        "quantity": 18500,
        "unit": "t",
        "data_quality": "measured",
        "baseline_disposal": "landfill.inert",
        "baseline_supply": "prod.clinker",
        "substitution_ratio": 0.8,
        "transport_mode": "transport.sea_bulk",
        "transport_km": 720,
        "supplier_share": 0.2,
        "hazardous": "yes",
        "price": -462500,
        "supplier_avoided_cost": 2220000,
        "supplier_extra_cost": 333000,
        "receiver_avoided_cost": 666000,
        "receiver_extra_cost": 222000,
        "currency": "EUR",
        "evidence": "Movement documents under notification DK-PL 2024-017; 14 bills of lading",
        "contract_ref": "KCS-ASH-2023-11",
    },
    {
        "id": "kal-yeast-2023",
        **YEAR_2023,
        "supplier": "dk-hojmark-ferm",
        "receiver": "dk-rorby-svin",
        "flow": "material",
        "resource": "yeast slurry from insulin fermentation, heat-inactivated",
        "quantity": 36000,
        "unit": "t",
        "data_quality": "calculated",
        # No openly licensed feed-protein factor could be confirmed, so the displaced soy meal
        # is left out: only the avoided digestion is credited (the smaller, conservative saving).
        "baseline_disposal": "treatment.anaerobic_digestion",
        "transport_mode": "transport.road_hgv",
        "transport_km": 22,
        "supplier_share": 0,
        "hazardous": "no",
        "supplier_avoided_cost": 1440000,
        "receiver_avoided_cost": 8640000,
        "receiver_extra_cost": 540000,
        "currency": "DKK",
        "evidence": "Tank-truck volumes from the loading log x density 1.04 t/m3",
        "contract_ref": "KCS-YST-2016-02",
    },
    {
        "id": "kal-biomass-2024",
        **YEAR_2024,
        "supplier": "dk-hojmark-ferm",
        "receiver": "dk-bostrup-biogas",
        "flow": "material",
        "resource": "spent fermentation biomass (enzyme production)",
        "quantity": 54000,
        "unit": "t",
        "data_quality": "measured",
        "baseline_disposal": "treatment.composting",
        "transport_mode": "transport.road_hgv",
        "transport_km": 35,
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": -1620000,
        "supplier_avoided_cost": 4050000,
        "receiver_extra_cost": 810000,
        "currency": "DKK",
        "evidence": "Weighbridge tickets at the biogas plant, 2024",
        "contract_ref": "BB-IN-2022-07",
    },
    {
        "id": "kal-biogas-2023-24",
        "period_start": "2023-07-01",
        "period_end": "2024-06-30",
        "supplier": "dk-bostrup-biogas",
        "receiver": "dk-naestved-gips",
        "flow": "energy",
        "resource": "upgraded biogas (biomethane) by dedicated pipeline",
        "quantity": 24500,
        "unit": "MWh",
        "data_quality": "measured",
        "baseline_supply": "energy.natural_gas_kwh",
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 15925000,
        "receiver_avoided_cost": 18375000,
        "currency": "DKK",
        "evidence": "Fiscal gas meter at the board plant, monthly readings Jul 2023 to Jun 2024",
        "contract_ref": "BB-GAS-2023-06",
    },
    {
        "id": "kal-coolwater-2023",
        **YEAR_2023,
        "supplier": "dk-kalvo-raff",
        "receiver": "dk-kalvo-chp",
        "flow": "water",
        "resource": "used cooling water (surface water, about 25 C)",
        "quantity": 720000,
        "unit": "m3",
        "data_quality": "measured",
        "baseline_supply": "water.groundwater",
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 1440000,
        "receiver_avoided_cost": 4320000,
        "currency": "DKK",
        "evidence": "Flow meter FT-201, annual total 2023",
        "contract_ref": "KCS-H2O-2002-01",
    },
    {
        "id": "kal-coolwater-2024",
        **YEAR_2024,
        "supplier": "dk-kalvo-raff",
        "receiver": "dk-kalvo-chp",
        "flow": "water",
        "resource": "used cooling water (surface water, about 25 C)",
        "quantity": 655000,
        "unit": "m3",
        "data_quality": "calculated",
        "baseline_supply": "water.groundwater",
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 1310000,
        "receiver_avoided_cost": 3930000,
        "currency": "DKK",
        "evidence": "Pump running hours x rated flow; meter FT-201 out of service Mar to May 2024",
        "contract_ref": "KCS-H2O-2002-01",
    },
    {
        "id": "kal-treatedwater-2024",
        **YEAR_2024,
        "supplier": "dk-hojmark-ferm",
        "receiver": "dk-kalvo-chp",
        "flow": "water",
        "resource": "biologically treated process water",
        "quantity": 310000,
        "unit": "m3",
        "data_quality": "estimated",
        "baseline_disposal": "treatment.wastewater",
        "baseline_supply": "water.groundwater",
        "supplier_share": 0.5,
        "hazardous": "no",
        "supplier_avoided_cost": 2170000,
        "receiver_avoided_cost": 1860000,
        "receiver_extra_cost": 930000,
        "currency": "DKK",
        "evidence": "Estimated from the discharge permit log; no dedicated meter yet",
        "contract_ref": "KCS-H2O-2024-02",
    },
    # Helsingborg-style surplus heat (SE)
    {
        "id": "hbg-heat-2023",
        **YEAR_2023,
        "supplier": "se-palsjo-kemi",
        "receiver": "se-raa-fjv",
        "flow": "energy",
        "resource": "surplus heat from a sulphuric acid plant, 95 C",
        "quantity": 138000,
        "unit": "MWh",
        "data_quality": "measured",
        "baseline_supply": "energy.heat_gas_oil_boiler",
        "baseline_efficiency": 0.86,
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 30360000,
        "supplier_extra_cost": 1400000,
        "receiver_avoided_cost": 68931000,
        "receiver_extra_cost": 2100000,
        "currency": "SEK",
        "evidence": "Billing heat meter HM-01, annual statement 2023",
        "contract_ref": "HBG-FV-2021-07",
    },
    {
        "id": "hbg-heat-2024",
        **YEAR_2024,
        "supplier": "se-palsjo-kemi",
        "receiver": "se-raa-fjv",
        "flow": "energy",
        "resource": "surplus heat from a sulphuric acid plant, 95 C",
        "quantity": 131500,
        "unit": "MWh",
        "data_quality": "measured",
        "baseline_supply": "energy.heat_gas_oil_boiler",
        "baseline_efficiency": 0.86,
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 28930000,
        "supplier_extra_cost": 1450000,
        "receiver_avoided_cost": 65684250,
        "receiver_extra_cost": 2150000,
        "currency": "SEK",
        "evidence": "Billing heat meter HM-01, annual statement 2024",
        "contract_ref": "HBG-FV-2021-07",
    },
    # Händelö/Norrköping-style energy and biogas links (SE)
    {
        "id": "nkp-steam-2024",
        **YEAR_2024,
        "supplier": "se-ohlvik-kv",
        "receiver": "se-ostgota-etanol",
        "flow": "energy",
        "resource": "low-pressure process steam, 6 bar",
        "quantity": 210000,
        "unit": "MWh",
        "data_quality": "calculated",
        "baseline_supply": "energy.heat_natural_gas_boiler",
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 63000000,
        "receiver_avoided_cost": 109200000,
        "currency": "SEK",
        "evidence": "Steam flow meter x enthalpy at 6 bar, 160 C; condensate return not deducted",
        "contract_ref": "NKP-ST-2018-03",
    },
    {
        "id": "nkp-stillage-2023",
        **YEAR_2023,
        "supplier": "se-ostgota-etanol",
        "receiver": "se-soderkoping-rotgas",
        "flow": "material",
        "resource": "thin stillage from grain ethanol",
        "quantity": 46000,
        "unit": "m3",
        "data_quality": "measured",
        "baseline_disposal": "treatment.wastewater",
        "mass_t": 47400,
        "transport_mode": "transport.road_hgv",
        "transport_km": 18,
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 690000,
        "supplier_avoided_cost": 1610000,
        "receiver_extra_cost": 940000,
        "currency": "SEK",
        "evidence": "Tanker loading meter, 1,530 loads",
        "contract_ref": "NKP-BG-2020-09",
    },
    # Kymenlaakso-style links (FI), as recorded in a FISS-type synergy database
    {
        "id": "kym-heat-2023",
        **YEAR_2023,
        "supplier": "fi-kymijoen-kuitu",
        "receiver": "fi-anjalan-kl",
        "flow": "energy",
        "resource": "secondary heat from pulp mill condensates, 75 C",
        "quantity": 92000,
        "unit": "MWh",
        "data_quality": "measured",
        "baseline_supply": "energy.heat_natural_gas_boiler",
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 1656000,
        "receiver_avoided_cost": 4140000,
        "receiver_extra_cost": 180000,
        "currency": "EUR",
        "evidence": "Heat meter at the mill fence, annual report 2023",
        "contract_ref": "KYM-LÄMPÖ-2015-01",
    },
    {
        "id": "kym-heat-2024",
        **YEAR_2024,
        "supplier": "fi-kymijoen-kuitu",
        "receiver": "fi-anjalan-kl",
        "flow": "energy",
        "resource": "secondary heat from pulp mill condensates, 75 C",
        "quantity": 88500,
        "unit": "MWh",
        "data_quality": "measured",
        "baseline_supply": "energy.heat_natural_gas_boiler",
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 1593000,
        "receiver_avoided_cost": 3982500,
        "receiver_extra_cost": 185000,
        "currency": "EUR",
        "evidence": "Heat meter at the mill fence, annual report 2024",
        "contract_ref": "KYM-LÄMPÖ-2015-01",
    },
    {
        "id": "kym-chips-2024",
        **YEAR_2024,
        "supplier": "fi-kuusankosken-saha",
        "receiver": "fi-kymijoen-kuitu",
        "flow": "material",
        "resource": "sawmill chips (spruce, debarked)",
        "quantity": 64000,
        "unit": "t",
        "data_quality": "measured",
        "baseline_supply": "prod.wood",
        "substitution_ratio": 0.5,
        "transport_mode": "transport.road_artic",
        "transport_km": 38,
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 2880000,
        "receiver_avoided_cost": 3520000,
        "currency": "EUR",
        "evidence": "Mill scale tickets and chip moisture samples",
        "contract_ref": "KYM-HAKE-2022-05",
    },
    {
        "id": "kym-ash-2023",
        **YEAR_2023,
        "supplier": "fi-kymijoen-kuitu",
        "receiver": "fi-jaaskelainen-maa",
        "flow": "material",
        "resource": "bark-boiler fly ash, conditioned, EWC 10 01 03",
        "quantity": 14200,
        "unit": "t",
        "data_quality": "measured",
        "baseline_disposal": "landfill.inert",
        "baseline_supply": "prod.aggregates",
        "transport_mode": "transport.road_hgv",
        "transport_km": 42,
        "supplier_share": 0.2,
        "hazardous": "no",
        "supplier_avoided_cost": 994000,
        "supplier_extra_cost": 127800,
        "receiver_avoided_cost": 156200,
        "receiver_extra_cost": 71000,
        "currency": "EUR",
        "evidence": "Weighbridge tickets; MARA notification for a forest road base course",
        "contract_ref": "KYM-TUHKA-2023-02",
    },
    # Trøndelag-style biogas chain (NO)
    {
        "id": "trd-silage-2024",
        "period_start": "2024-03-01",
        "period_end": "2024-12-31",
        "supplier": "no-titran-sjomat",
        "receiver": "no-asen-biogass",
        "flow": "material",
        "resource": "fish silage from salmon processing",
        "quantity": 9800,
        "unit": "t",
        "data_quality": "measured",
        "baseline_disposal": "treatment.composting",
        "transport_mode": "transport.road_artic",
        "transport_km": 140,
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": -4410000,
        "supplier_avoided_cost": 6860000,
        "currency": "NOK",
        "evidence": "Weighbridge tickets, March to December 2024",
        "contract_ref": "ÅB-INN-2024-01",
    },
    {
        "id": "trd-lbg-2024",
        **YEAR_2024,
        "supplier": "no-asen-biogass",
        "receiver": "no-fjellstrom-meieri",
        "flow": "energy",
        "resource": "liquefied biogas (LBG)",
        "quantity": 16200,
        "unit": "MWh",
        "data_quality": "calculated",
        "baseline_supply": "energy.natural_gas_kwh",
        "mass_t": 1165.5,
        "transport_mode": "transport.road_artic",
        "transport_km": 45,
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 14580000,
        "receiver_avoided_cost": 12150000,
        "receiver_extra_cost": 420000,
        "currency": "NOK",
        "evidence": "Delivery notes in kg x lower heating value 13.9 MWh/t",
        "contract_ref": "ÅB-LBG-2023-09",
    },
    # Construction and demolition waste (PL): the exchange that does not pay off
    {
        "id": "pl-concrete-2024",
        **YEAR_2024,
        "supplier": "pl-lodz-recykling",
        "receiver": "pl-malopolskie-drogi",
        "flow": "material",
        "resource": "crushed concrete aggregate 0/31.5 mm",
        "quantity": 12000,
        "unit": "t",
        "data_quality": "measured",
        "baseline_disposal": "landfill.inert",
        "baseline_supply": "prod.aggregates",
        "transport_mode": "transport.road_hgv",
        "transport_km": 250,
        "baseline_transport_mode": "transport.road_hgv",
        "baseline_transport_km": 40,
        "supplier_share": 0.5,
        "hazardous": "no",
        "price": 72000,
        "supplier_avoided_cost": 180000,
        "receiver_avoided_cost": 132000,
        "receiver_extra_cost": 144000,
        "currency": "EUR",
        "evidence": "Weighbridge tickets, 480 truck loads; WZ delivery notes",
        "contract_ref": "ŁR-KRK-2024-03",
    },
]

INPUTS: list[Row] = [
    {
        "exchange": "kal-flyash-2024",
        "activity": "electricity.pl",
        "quantity": 277500,
        "unit": "kWh",
        "note": "chloride washing of the ash before use as clinker substitute",
    },
    {
        "exchange": "kal-flyash-2024",
        "activity": "energy.natural_gas_kwh",
        "quantity": 832500,
        "unit": "kWh",
        "note": "drying heat for the washed ash",
    },
    {
        "exchange": "kal-yeast-2023",
        "activity": "energy.natural_gas_kwh",
        "quantity": 720000,
        "unit": "kWh",
        "note": "heat inactivation of the slurry, about 20 kWh/t",
    },
    {
        "exchange": "kal-biomass-2024",
        "activity": "treatment.anaerobic_digestion",
        "quantity": 54000,
        "unit": "t",
        "note": "process emissions of digesting the biomass",
    },
    {
        "exchange": "kal-biomass-2024",
        "activity": "incineration.mixed_waste",
        "quantity": 540,
        "unit": "t",
        "note": "residue disposal: sieving rejects (plastics, grit)",
    },
    {
        "exchange": "kal-biogas-2023-24",
        "activity": "energy.biogas",
        "quantity": 24500,
        "unit": "MWh",
        "note": "combustion of the biomethane in the board dryers",
    },
    {
        "exchange": "kal-biogas-2023-24",
        "activity": "electricity.dk",
        "quantity": 612500,
        "unit": "kWh",
        "note": "upgrading and compression",
    },
    {
        "exchange": "kal-coolwater-2023",
        "activity": "electricity.dk",
        "quantity": 144000,
        "unit": "kWh",
        "note": "pumping, about 0.2 kWh/m3",
    },
    {
        "exchange": "kal-coolwater-2024",
        "activity": "electricity.dk",
        "quantity": 131000,
        "unit": "kWh",
        "note": "pumping, about 0.2 kWh/m3",
    },
    {
        "exchange": "kal-treatedwater-2024",
        "activity": "electricity.dk",
        "quantity": 108500,
        "unit": "kWh",
        "note": "pumping and UV polishing",
    },
    {
        "exchange": "hbg-heat-2023",
        "activity": "electricity.se",
        "quantity": 1650,
        "unit": "MWh",
        "note": "circulation pumps and heat exchanger station",
    },
    {
        "exchange": "hbg-heat-2024",
        "activity": "electricity.se",
        "quantity": 1580,
        "unit": "MWh",
        "note": "circulation pumps and heat exchanger station",
    },
    {
        "exchange": "kym-heat-2023",
        "activity": "electricity.fi",
        "quantity": 460000,
        "unit": "kWh",
        "note": "pumping through the 10 km transfer pipeline",
    },
    {
        "exchange": "kym-heat-2024",
        "activity": "electricity.fi",
        "quantity": 442500,
        "unit": "kWh",
        "note": "pumping through the 10 km transfer pipeline",
    },
    {
        "exchange": "kym-ash-2023",
        "activity": "water.mains",
        "quantity": 2130,
        "unit": "m3",
        "note": "moistening the ash before haulage",
    },
    {
        "exchange": "trd-silage-2024",
        "activity": "treatment.anaerobic_digestion",
        "quantity": 9800,
        "unit": "t",
        "note": "process emissions of digesting the silage",
    },
    {
        "exchange": "trd-lbg-2024",
        "activity": "energy.biogas",
        "quantity": 16200,
        "unit": "MWh",
        "note": "combustion of the LBG in the dairy boilers",
    },
    {
        "exchange": "trd-lbg-2024",
        "activity": "electricity.no",
        "quantity": 815500,
        "unit": "kWh",
        "note": "liquefaction, about 0.7 kWh/kg",
    },
    {
        "exchange": "pl-concrete-2024",
        "activity": "electricity.pl",
        "quantity": 30000,
        "unit": "kWh",
        "note": "crushing and screening",
    },
    {
        "exchange": "pl-concrete-2024",
        "activity": "energy.diesel",
        "quantity": 4800,
        "unit": "l",
        "note": "wheel loader at the crushing yard",
    },
    {
        "exchange": "pl-concrete-2024",
        "activity": "landfill.inert",
        "quantity": 360,
        "unit": "t",
        "note": "residue disposal: fines and contaminants rejected at screening",
    },
]

RATES: list[Row] = [
    # ECB euro foreign exchange reference rate, annual average 2024.
    {"currency": "DKK", "year": 2024, "per_eur": 7.4589},
]

# Jobs and money the organisations (or a named verifier) declare; isbenefit computes none
# of them. Invented, like every figure here: they show the three ways a row is credited.
DECLARED: list[Row] = [
    # Split by the exchange's supplier share (0.5) and by its days in 2023 and 2024.
    {
        "figure": "jobs_created",
        "amount": 2,
        "exchange": "kal-biogas-2023-24",
        "declared_by": "dk-bostrup-biogas",
        "evidence": "Payroll records: two operators hired for the upgrading plant, July 2023",
    },
    # Credited wholly to the supplier, as declared, in the year it was spent.
    {
        "figure": "private_investment",
        "amount": 4_500_000,
        "exchange": "kal-biogas-2023-24",
        "organisation": "dk-bostrup-biogas",
        "year": 2023,
        "currency": "DKK",
        "declared_by": "Verifier: Nordisk Symbiose Revision ApS (invented)",
        "evidence": "Invoices for the biomethane pipeline and compressor, audited 2024-03",
    },
    {
        "figure": "jobs_safeguarded",
        "amount": 3,
        "exchange": "hbg-heat-2024",
        "declared_by": "se-palsjo-kemi",
        "evidence": "Works council minutes 2024-02 on the heat-recovery unit",
    },
    # An organisation's own figure for a year, of no single exchange.
    {
        "figure": "other_money",
        "amount": 150_000,
        "organisation": "fi-kymijoen-kuitu",
        "year": 2024,
        "currency": "EUR",
        "label": "public grant",
        "declared_by": "fi-kymijoen-kuitu",
        "evidence": "Grant decision 2024-117 (regional energy-efficiency aid)",
    },
]

SHEETS: dict[str, list[Row]] = {
    "organisations": ORGANISATIONS,
    "exchanges": EXCHANGES,
    "inputs": INPUTS,
    "rates": RATES,
    "declared": DECLARED,
}


def check(sheets: dict[str, list[Row]]) -> None:
    """Raise ValueError if the data break the ledger contract in an obvious way."""
    organisation_ids = [row["id"] for row in sheets["organisations"]]
    organisations = set(organisation_ids)
    exchanges = [row["id"] for row in sheets["exchanges"]]
    problems = [
        f"duplicate id {x}"
        for ids in (organisation_ids, exchanges)
        for x in sorted(set(ids), key=str)
        if ids.count(x) > 1
    ]
    for name, rows in sheets.items():
        problems += [
            f"{name}: unknown column {key}"
            for row in rows
            for key in row
            if key not in COLUMNS[name]
        ]
    for row in sheets["exchanges"]:
        where = f"exchange {row['id']}"
        problems += [
            f"{where}: unknown organisation {row[role]}"
            for role in ("supplier", "receiver")
            if row[role] not in organisations
        ]
        if not str(row["period_start"]) <= str(row["period_end"]):
            problems.append(f"{where}: period ends before it starts")
        if not row.get("baseline_disposal") and not row.get("baseline_supply"):
            problems.append(f"{where}: no baseline")
    problems += [
        f"input for unknown exchange {row['exchange']}"
        for row in sheets["inputs"]
        if row["exchange"] not in exchanges
    ]
    if problems:
        raise ValueError("; ".join(problems))


def text(value: Cell) -> str:
    """A cell as CSV text: blank for None, the shortest exact decimal for a float."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csv_folder(folder: Path, sheets: dict[str, list[Row]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS[name])
            writer.writerows([text(row.get(column)) for column in COLUMNS[name]] for row in rows)


def workbook_bytes(sheets: dict[str, list[Row]]) -> bytes:
    """The ledger as an .xlsx file; dates stay ISO text, numbers stay numbers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(COLUMNS[name])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(column) for column in COLUMNS[name]])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Saving stamps the current time as "modified"; put the fixed date back afterwards.
    properties = workbook.properties
    properties.creator = "isbenefit examples/build_example.py"
    properties.created = properties.modified = FIXED_TIME
    core = tostring(properties.to_tree())
    return fixed_zip_dates(buffer.getvalue(), {CORE_PROPERTIES: core})


def fixed_zip_dates(archive: bytes, replace: dict[str, bytes]) -> bytes:
    """The zip archive with every entry dated FIXED_TIME and the entries in ``replace`` swapped."""
    result = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, replace.get(entry.filename) or source.read(entry))
    return result.getvalue()


def main() -> None:
    check(SHEETS)
    (HERE / f"{NAME}.xlsx").write_bytes(workbook_bytes(SHEETS))
    write_csv_folder(HERE / NAME, SHEETS)
    print(f"wrote {HERE / (NAME + '.xlsx')} and {HERE / NAME}/")


if __name__ == "__main__":
    main()
