"""The SOP table's flowchart symbols in a PDF (Permenpan RB 35/2012): terminator, process
and decision in the step's lane, the connectors between rows, and the off-page connector
where the table continues on the next page."""

from typing import Any

from fpdf import FPDF

from engine.sop.document import END, SopRow
from web.pdf_text import printable

SYMBOL_TOP = 3.0    # gap above a symbol, where the incoming connector runs
SYMBOL_H = 6.0
EXIT_LINE = 2.8     # a decision exit's line at 6 pt
TAIL = 3.0          # room under a symbol for the outgoing connector


def lane_center(cols: dict[str, Any], column: int) -> float:
    x, width = cols[f"lane{column}"]
    return x + width / 2


def draw_symbol(pdf: FPDF, row: SopRow, cols: dict[str, Any], y: float, height: float) -> None:
    """The row's flowchart symbol in its lane, with connectors from the previous row and to
    the next (Permenpan RB 35/2012: terminator, process, decision, arrow)."""
    cx = lane_center(cols, row.column)
    lane_w = cols[f"lane{row.column}"][1]
    width, top = min(13.0, lane_w - 4), y + SYMBOL_TOP
    pdf.set_draw_color(0, 0, 0)
    pdf.set_fill_color(255, 255, 255)
    bottom, middle = top + SYMBOL_H, top + SYMBOL_H / 2
    if row.incoming:
        pdf.line(cx, y, cx, top)
        _arrowhead(pdf, cx, top)
    if row.to_column == row.column:
        pdf.line(cx, bottom, cx, y + height)
    elif row.to_column is not None:
        # Out of the symbol's side, across to the next row's lane, then down to it.
        target = lane_center(cols, row.to_column)
        side = cx + (width / 2 if target > cx else -width / 2)
        pdf.line(side, middle, target, middle)
        pdf.line(target, middle, target, y + height)
    if row.symbol == "decision":
        pdf.polygon([(cx, top), (cx + width / 2, top + SYMBOL_H / 2), (cx, bottom),
                     (cx - width / 2, top + SYMBOL_H / 2)], style="DF")
        pdf.set_font(pdf.family, "", 6)
        for index, exit_ in enumerate(row.exits):
            text = f"{exit_.short} → {'' if exit_.target == END else 'No '}{exit_.target}"
            line_y = bottom + 0.8 + index * EXIT_LINE
            text_w = min(pdf.get_string_width(printable(pdf, text)) + 1, lane_w - 0.6)
            pdf.rect(cx - text_w / 2, line_y, text_w, EXIT_LINE, style="F")
            pdf.set_xy(cx - (lane_w - 0.6) / 2, line_y)
            pdf.cell(lane_w - 0.6, EXIT_LINE, printable(pdf, text), align="C")
    else:
        pdf.rect(cx - width / 2, top, width, SYMBOL_H, style="DF",
                 # fpdf2 shrinks a radius of half the height or more to 0.5 mm: stay just under.
                 round_corners=row.symbol == "terminator", corner_radius=SYMBOL_H / 2 - 0.01)


def _arrowhead(pdf: FPDF, x: float, tip_y: float) -> None:
    pdf.set_fill_color(0, 0, 0)
    pdf.polygon([(x - 0.9, tip_y - 1.6), (x + 0.9, tip_y - 1.6), (x, tip_y)], style="DF")
    pdf.set_fill_color(255, 255, 255)


def off_page_connector(pdf: FPDF, x: float, y: float, label: str) -> None:
    """The pentagon that says "continued on the next page, at row ``label``"."""
    pdf.line(x, y - 1, x, y)
    pdf.polygon([(x - 3, y), (x + 3, y), (x + 3, y + 3.5), (x, y + 5.5), (x - 3, y + 3.5)],
                style="D")
    pdf.set_font(pdf.family, "", 6)
    pdf.set_xy(x - 3, y + 0.6)
    pdf.cell(6, 3, printable(pdf, label), align="C")
