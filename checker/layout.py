"""Layout stage: EDGAR page furniture out, an exact map back to the original kept.

INTERFACE (used by the structure stage, the grammar stage and the pipeline):

    layout(source: Source) -> Layout

    Layout.text    the cleaned text: kept lines joined with "\\n"; indentation kept
    Layout.lines   list[Line], one per kept line, in order
    Layout.to_source(clean_offset) -> source offset (into source.text)
    Layout.span(clean_start, clean_end) -> model.Span in the original file
    Layout.tables  list[TableBlock]: line index ranges of tables in Layout.lines

    Line fields: src_line (1-based line in the original file), start (offset of
    the line in Layout.text), text (cleaned, not stripped), indent (leading
    spaces after tab expansion is NOT done: tabs count as one column), blank,
    table (index into Layout.tables or None), page_break_before (a page
    boundary was removed just before this line).
"""
