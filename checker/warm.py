"""Everything a check needs that does not depend on the document, made ready
before the first document arrives.

The batch forkserver imports this module before it forks workers, so each worker
starts with the check's modules imported (and their regular expressions
compiled), the clause grammar loaded, the rule specs read and the rule engine
built, instead of paying for them on its first file, and again each time a
worker is replaced (every ``--max-tasks`` files).  A short agreement of our own
is then checked once, which makes ready what the stages prepare on first use
(patterns compiled on demand, the engine's rulesets); the business calendars are
loaded too.

A forked worker gets its own copy of all this, the rule engine's state
included: nothing is shared between workers once they run.
"""
from __future__ import annotations

# A made-up agreement touching each stage: sections, definitions, a lock-up,
# an over-allotment option, a default threshold, notices, a cross-reference,
# a blank and a schedule.
_SAMPLE = """UNDERWRITING AGREEMENT

                                                        [          ], 2026

Example Capital LLC
  As Representative of the several Underwriters

Ladies and Gentlemen:

     Example Corp., a Delaware corporation (the "Company"), proposes to issue
and sell to the Underwriters named in Schedule A hereto (the "Underwriters")
1,000,000 shares (the "Firm Shares") of its common stock, par value $0.01 per
share (the "Common Stock").

     1. Representations. The Company represents and warrants to each
Underwriter as set forth in this Section 1.

     2. Option. The Company grants to the Underwriters an option to purchase up
to 150,000 additional shares (the "Optional Shares"), exercisable within 30
days after the date hereof.

     3. Lock-Up. For a period of 180 days after the date of the Prospectus, the
Company will not, without the prior written consent of the Representative,
offer, sell, contract to sell, pledge or otherwise dispose of any shares of
Common Stock, except as provided in Section 2.

     4. Default. If any Underwriter defaults and the aggregate number of Shares
which such defaulting Underwriter agreed but failed to purchase does not
exceed one-eleventh of the total number of Shares, the non-defaulting
Underwriters shall purchase such Shares.

     5. Notices. All notices shall be in writing and given not later than two
business days before the Closing Date.

     6. Governing Law. This Agreement shall be governed by the laws of the
State of New York.

                                   SCHEDULE A

Underwriter                                        Number of Firm Shares
Example Capital LLC                                      1,000,000
                                                         ---------
     Total                                               1,000,000
"""


def warm() -> None:
    from . import analysis, clauses, doctype, formats, layout, obligations, pipeline, provisions, source  # noqa: F401
    from . import structure  # noqa: F401
    from . import drafting

    for spec in drafting.CHECKS:
        drafting._resolve(spec)
    clauses.grammar()
    analysis.rules()
    from .calendar import CALENDARS, business_calendar

    for name in CALENDARS:  # loads the holidays library's calendars (most of a second)
        business_calendar(name)
    pipeline.check_text(_SAMPLE, path="<warm-up>")


try:
    warm()
except Exception:  # pragma: no cover - the same failure is reported, with its message, on the first file
    pass
