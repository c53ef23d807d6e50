"""Code, dotted name, category and severity of every drafting check.

The rule files (``rules/DEF001.yaml`` ...) carry the same facts with the
documentation; ``tests/test_drafting_rules.py`` keeps the two in step.
"""
from __future__ import annotations

from typing import NamedTuple


class RuleMeta(NamedTuple):
    name: str
    category: str
    severity: str
    function: str  # module:function of the check that produces it


_D = "checker.drafting."

RULES: dict[str, RuleMeta] = {
    # definitions
    "DEF001": RuleMeta("definitions.undefined_term", "definitions", "warning", _D + "definitions:undefined_terms"),
    "DEF002": RuleMeta("definitions.unused_definition", "definitions", "info", _D + "definitions:unused_definitions"),
    "DEF003": RuleMeta("definitions.duplicate_definition", "definitions", "info", _D + "definitions:duplicate_definitions"),
    "DEF004": RuleMeta("definitions.wrong_definition_reference", "definitions", "warning", _D + "definitions:wrong_definition_reference"),
    "DEF005": RuleMeta("definitions.used_outside_scope", "definitions", "warning", _D + "definitions:used_outside_scope"),
    "DEF006": RuleMeta("definitions.inconsistent_form", "definitions", "info", _D + "definitions:inconsistent_form"),
    # cross-references
    "XREF001": RuleMeta("cross_reference.missing_target", "cross-reference", "error", _D + "xrefs:missing_target"),
    "XREF002": RuleMeta("cross_reference.omitted_target", "cross-reference", "warning", _D + "xrefs:omitted_target"),
    "XREF003": RuleMeta("cross_reference.subject_mismatch", "cross-reference", "warning", _D + "xrefs:subject_mismatch"),
    "XREF004": RuleMeta("cross_reference.missing_attachment", "cross-reference", "warning", _D + "attachments:missing_attachments"),
    "XREF005": RuleMeta("cross_reference.wrong_external_citation", "cross-reference", "warning", _D + "xrefs:wrong_external_citation"),
    # numbers
    "NUM001": RuleMeta("numbers.words_numeral_mismatch", "numbers", "error", _D + "numbers:words_vs_numerals"),
    "NUM002": RuleMeta("numbers.sum_mismatch", "numbers", "error", _D + "numbers:stated_sums"),
    "NUM003": RuleMeta("numbers.table_total_mismatch", "numbers", "error", _D + "tables:table_totals"),
    "NUM004": RuleMeta("numbers.inconsistent_quantity", "numbers", "warning", _D + "numbers:inconsistent_quantities"),
    "NUM005": RuleMeta("numbers.option_ratio", "numbers", "info", _D + "numbers:option_ratio"),
    # blanks
    "BLANK000": RuleMeta("blanks.summary", "blanks", "info", _D + "blanks:blank_summary"),
    "BLANK001": RuleMeta("blanks.price_or_amount", "blanks", "error", _D + "blanks:price_blanks"),
    "BLANK002": RuleMeta("blanks.date", "blanks", "warning", _D + "blanks:date_blanks"),
    "BLANK003": RuleMeta("blanks.placeholder", "blanks", "warning", _D + "blanks:other_blanks"),
    "BLANK004": RuleMeta("blanks.bracketed_alternative", "blanks", "warning", _D + "blanks:bracketed_alternatives"),
    "BLANK005": RuleMeta("blanks.empty_schedule", "blanks", "warning", _D + "tables:empty_schedules"),
    "BLANK006": RuleMeta("blanks.signature_block", "blanks", "info", _D + "blanks:signature_blocks"),
    # numbering and punctuation
    "NUMB001": RuleMeta("numbering.sequence", "numbering", "warning", _D + "numbering:sequence"),
    "NUMB002": RuleMeta("numbering.mixed_styles", "numbering", "warning", _D + "numbering:mixed_styles"),
    "NUMB003": RuleMeta("numbering.unbalanced_brackets", "numbering", "warning", _D + "numbering:unbalanced_brackets"),
    "NUMB004": RuleMeta("numbering.unbalanced_quotes", "numbering", "info", _D + "numbering:unbalanced_quotes"),
    # parties
    "PARTY001": RuleMeta("parties.jurisdiction_mismatch", "parties", "warning", _D + "parties:jurisdiction_mismatch"),
    "PARTY002": RuleMeta("parties.name_mismatch", "parties", "warning", _D + "parties:name_mismatch"),
    "PARTY003": RuleMeta("parties.split_signatory", "parties", "info", _D + "parties:split_signatory"),
}
