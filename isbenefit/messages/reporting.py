"""The ESRS E5 outputs' sentences (reporting.esrs)."""

from __future__ import annotations

from isbenefit.messages.translation import N_

# The ESRS E5 datapoints (reporting.esrs): labels, notes and the method disclosure.
ESRS_SECONDARY = N_("Secondary materials used (received through industrial symbiosis exchanges)")
ESRS_SECONDARY_SHARE = N_(
    "Secondary materials used (received through industrial symbiosis exchanges), share"
)
ESRS_SHARE_OF = N_("of the overall material inflow given, {tonnes} t (\u00a731(a))")
ESRS_SHARE_NEEDS = N_("needs the overall material inflow of \u00a731(a) (--materials-used-t)")
ESRS_DIVERTED = N_("Waste diverted from disposal")
ESRS_REUSE = N_("Waste diverted from disposal: preparation for reuse")
ESRS_REUSE_NOTE = N_(
    "not derivable: preparing for reuse has no operation code of its own; any such tonnes "
    "are counted under recycling"
)
ESRS_RECYCLING = N_("Waste diverted from disposal: recycling")
ESRS_OTHER_RECOVERY = N_("Waste diverted from disposal: other recovery")
ESRS_INCINERATION = N_("Waste directed to disposal: incineration")
ESRS_LANDFILL = N_("Waste directed to disposal: landfill")
ESRS_OTHER_DISPOSAL = N_("Waste directed to disposal: other disposal")
ESRS_DISPOSAL = N_("Waste directed to disposal")
ESRS_STREAMS = N_("Waste streams (European List of Waste entries)")
ESRS_NO_EWC = N_("no ewc_code in the ledger")
ESRS_NOT_WASTE = N_("Residues supplied as by-products or end-of-waste materials (not waste)")
ESRS_NOT_WASTE_NOTE = N_(
    "outside \u00a737: not waste under the Waste Framework Directive, art. 5 and 6"
)
ESRS_ABSENT = N_("The ledger has no {columns} column: {consequences}.")
ESRS_ABSENT_CONSEQUENCES = {
    "ewc_code": N_("waste streams are not named"),
    "legal_status": N_("every residue supplied is taken as waste"),
    "recovery_operation": N_("every residue supplied is taken as recycled"),
}
ESRS_METHOD = N_(
    "Figures cover the material exchanges of {name} recorded in an industrial symbiosis "
    "ledger for the calendar year {year}, computed by isbenefit {version} (factor set "
    "{factor_set}). They are parts of the undertaking's inflows and outflows, not its "
    "totals: waste not leaving through a recorded exchange and materials not received "
    "through one are not included. Masses are the quantities recorded in the ledger "
    "(measured, calculated or estimated as each exchange's data_quality says), converted "
    "into tonnes, or the exchange's mass_t; an exchange spanning years is split by days. "
    "Recovery types follow the recovery_operation column (Waste Framework Directive "
    "2008/98/EC, Annexes I and II): R2-R11 recycling; R1, R12, R13 other recovery; D10 "
    "incineration; D1, D5, D12 landfill; other D operations other disposal. A residue "
    "without recovery_operation is taken as recycled, since it replaced another firm's "
    "input. Hazardousness follows the hazardous column, checked against the List of Waste "
    "entry when ewc_code is given. Residues marked by-product or end-of-waste in "
    "legal_status are not counted as waste. Exchanges without a mass (no mass_t for a "
    "non-mass unit) are left out."
)
