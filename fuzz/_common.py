"""Shared pieces of the coverage-guided fuzz targets (atheris).

Each target checks the invariants the rest of the pipeline relies on, not only
"does not raise": a failed invariant raises AssertionError, which atheris
reports as a crash and saves as ``crash-<sha1>`` in the working directory (the
README gives the command that writes them under ``fuzz/crashes/``).
"""
from __future__ import annotations

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

# Seeds for the input corpus: short fragments in the shapes EDGAR agreements use
# (written here, not copied from the corpus).
SEEDS = [
    "<PAGE>\n\n                                  12\n\nSection 8 hereof",
    "within thirty (30) days after the date of the Prospectus",
    "a period of 180 days after the Closing Date (the \"Lock-Up Period\")",
    "one-eleventh of the aggregate number of Firm Shares",
    "<TABLE>\n<CAPTION>\n<S>           <C>\nTotal ......... 1,000\n</TABLE>",
    "Price per share: $__________  dated [o], 2006",
    "- 3 -\n\f\nSCHEDULE A\n\nName     Number\n------   ------\nGoldman   100\n",
    "the underwriters' obli-\ngation under Section 9(b)(iv) above",
    "10% of the Securities; 110% of the amount; nine and one-half percent (9 1/2%)",
    "\"Agreement\" means this Underwriting Agreement.  Page 3 of 9",
]


def text_of(data: bytes) -> str:
    """Bytes from the fuzzer to text the way the loader sees it (surrogates kept out)."""
    return data.decode("utf-8", errors="replace")
