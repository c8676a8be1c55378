"""Optional waste-reporting columns of the exchanges sheet (docs/formats.md section 1).

- `ewc_code`: an entry of the European List of Waste (Decision 2014/955/EU), shipped as
  `isbenefit/data/ewc_codes.csv` (isbenefit/data/EWC.md says where it comes from). Written
  `10 01 05`, `100105` or, for a hazardous entry, `10 01 04*`; an entry the List marks
  hazardous (`*`) needs `hazardous` = `yes`, any other entry `hazardous` = `no`.
- `legal_status`: `waste`, `by-product` or `end-of-waste` (Waste Framework Directive
  2008/98/EC, articles 3, 5 and 6).
- `recovery_operation`: a recovery (`R1`-`R13`, Annex II) or disposal (`D1`-`D15`, Annex I)
  operation of the Directive.

None of them changes a figure. A ledger without them is read as before; with them, their
values pass to the results in canonical form (`10 01 04*`, `by-product`, `R5`).
"""

from __future__ import annotations

import csv
import re
from functools import cache

import numpy as np
import pandas as pd

from isbenefit.ledger.checks import SheetChecker
from isbenefit.ledger.contract import EXCHANGES, LEGAL_STATUSES, RECOVERY_OPERATIONS
from isbenefit.paths import package_data

EWC_FILE = "ewc_codes.csv"
WASTE_COLUMNS = tuple(c.name for c in EXCHANGES.columns if c.extra)
HAZARD_MARK = "*"
_EWC = re.compile(r"^(\d\d) ?(\d\d) ?(\d\d) ?(\*?)$")


@cache
def ewc_codes() -> dict[str, tuple[bool, str]]:
    """The List of Waste: six-digit code `XX XX XX` -> (hazardous, description)."""
    with package_data(EWC_FILE).open(encoding="utf-8", newline="") as stream:
        return {
            row["code"].rstrip(HAZARD_MARK): (row["hazardous"] == "yes", row["description"])
            for row in csv.DictReader(stream)
        }


def ewc_label(code: str) -> str:
    """A six-digit code as the List writes it: with the asterisk when it is hazardous."""
    hazardous, _ = ewc_codes()[code]
    return code + (HAZARD_MARK if hazardous else "")


def check_waste(check: SheetChecker, hazardous: np.ndarray) -> dict[str, np.ndarray]:
    """Check the waste columns present on the sheet; their values in canonical form.

    ``hazardous`` is the checked `hazardous` column (True for `yes`). Absent columns are
    not returned, so a ledger without them keeps its results byte for byte.
    """
    present = set(check.table.columns)
    found: dict[str, np.ndarray] = {}
    if "ewc_code" in present:
        found["ewc_code"] = _check_ewc(check, hazardous)
    if "legal_status" in present:
        found["legal_status"] = check.choice("legal_status", LEGAL_STATUSES, "")
    if "recovery_operation" in present:
        found["recovery_operation"] = _check_operation(check)
    return found


def _check_ewc(check: SheetChecker, hazardous: np.ndarray) -> np.ndarray:
    codes = ewc_codes()
    text = check.text("ewc_code")
    parts = text.str.extract(_EWC)
    code = (parts[0] + " " + parts[1] + " " + parts[2]).fillna("")
    marked = (parts[3] == HAZARD_MARK).to_numpy()
    given = (text != "").to_numpy()
    listed = code.isin(list(codes)).to_numpy()
    check.flag(
        given & ~listed,
        "ewc_code",
        "not an entry of the European List of Waste",
        "write the six-digit code of Decision 2014/955/EU, e.g. 10 01 05 (or 10 01 04* for "
        "a hazardous entry); see isbenefit/data/ewc_codes.csv",
    )
    listed_hazardous = np.array(
        [codes[c][0] if c in codes else False for c in code.tolist()], dtype=bool
    )
    known = given & listed
    check.flag(
        known & marked & ~listed_hazardous,
        "ewc_code",
        "marked hazardous (*) but the List of Waste gives this entry as non-hazardous",
        "remove the asterisk, or use the hazardous mirror entry",
    )
    labels = [ewc_label(c) if ok else "" for c, ok in zip(code.tolist(), known, strict=True)]
    prefixes = np.array([f"ewc_code {label}: " for label in labels], dtype=object)
    hazardous_column = check.text("hazardous").str.lower().to_numpy()
    valid_flag = np.isin(hazardous_column, ("", "yes", "no"))
    check.flag(
        known & valid_flag & listed_hazardous & ~hazardous,
        "hazardous",
        "the List of Waste marks this entry hazardous (*) but hazardous is not yes",
        "set hazardous to yes, or correct ewc_code",
        prefixes,
    )
    check.flag(
        known & valid_flag & ~listed_hazardous & hazardous,
        "hazardous",
        "hazardous is yes but this entry of the List of Waste is non-hazardous",
        "use the hazardous (*) entry of the List of Waste in ewc_code, or set hazardous to no",
        prefixes,
    )
    return np.asarray(pd.Series(labels, dtype=object).where(known, text).to_numpy(dtype=object))


def _check_operation(check: SheetChecker) -> np.ndarray:
    text = check.text("recovery_operation")
    compact = text.str.replace(" ", "", regex=False).str.upper()
    bad = (text != "") & ~compact.isin(RECOVERY_OPERATIONS)
    check.flag(
        bad,
        "recovery_operation",
        "not a recovery (R1-R13) or disposal (D1-D15) operation of the Waste Framework Directive",
        "write the code of Annex I or II of Directive 2008/98/EC, e.g. R5 or D1",
    )
    return np.where(bad.to_numpy(), text.to_numpy(dtype=object), compact.to_numpy(dtype=object))
