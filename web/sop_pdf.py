"""The SOP document (``engine.sop.document``) drawn as a landscape A4 PDF with fpdf2.

Permenpan RB 35/2012 layout: the kop cell (the office's logo, name and unit from the
settings page, then "STANDAR OPERASIONAL PROSEDUR" and the SOP's name) beside the
identitas, the grid, the table with its flowchart symbols (an off-page connector at the
foot of a page and the same connector at the head of the next), "Waktu yang diperlukan"
and the signature block of the official in "Disahkan oleh" (jabatan, nama, NIP).

Text is set in DejaVu Sans, embedded (Debian package fonts-dejavu-core), so every
character of the SOP prints as written; without that font the core Helvetica is used and
text is reduced to Latin-1.
"""

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF
from PIL import Image

from engine.sop.document import GRID, IDENTITAS, SopDocument, SopRow
from web.pdf_text import printable
from web.sop_pdf_pieces import CONTINUED, printed_rows
from web.sop_pdf_symbols import (
    EXIT_LINE,
    SYMBOL_H,
    SYMBOL_TOP,
    TAIL,
    draw_symbol,
    lane_center,
    off_page_connector,
)

# Landscape A4 in millimetres.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 10.0
BODY_W = PAGE_W - 2 * MARGIN
PAGE_COUNT_W = 30.0  # the footer's "Halaman 1 dari 2"
LINE = 3.3          # text line height at 7.5 pt
PAD = 1.2           # cell padding
# The logo in the kop cell: this high at most (mm), narrower when the cell is narrower.
LOGO_HEIGHT = 14.0
FOOTER_H = 8.0
FOOTER_LINE = 2.8   # a footer line at 6.5 pt
TABLE_TOP = 32.0    # a continuing page's table heading and connector band, with padding

@dataclass(frozen=True)
class OfficeIdentity:
    """The office printed in the kop cell: its name, its unit and its logo (PNG or JPEG
    bytes, None for none). Administrators set them on the settings page."""

    office: str = ""
    unit: str = ""
    logo: bytes | None = None


class _SopPdf(FPDF):
    def __init__(self, document: SopDocument, mark: str | None) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.document = document
        self.mark = mark
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").is_file()
        if self.unicode:
            self.add_font("dejavu", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("dejavu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.family = "dejavu" if self.unicode else "helvetica"
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.set_title(printable(self, f"SOP {document.header['nama_sop']}"))
        self.set_line_width(0.2)

    def footer(self) -> None:
        """The SOP's name, version and page number on the last line; a ``mark`` above
        it, wrapped across the page's width (one line cut the sample mark off at the
        right edge and ran it over the page number)."""
        if self.mark:
            self._watermark(self.mark.split(":")[0])
        self.set_font(self.family, "B", 6.5)
        lines = (self.multi_cell(BODY_W, FOOTER_LINE, printable(self, self.mark), dry_run=True,
                                 output="LINES") if self.mark else [])
        self.set_xy(MARGIN, PAGE_H - MARGIN + 2 - len(lines) * FOOTER_LINE)
        if self.mark:
            self.multi_cell(BODY_W, FOOTER_LINE, printable(self, self.mark), new_x="LMARGIN",
                            new_y="NEXT")
        self.set_font(self.family, "", 6.5)
        self.cell(BODY_W - PAGE_COUNT_W, 4, printable(self, f"SOP {self.document.name} — versi "
                                                      f"{self.document.version}"))
        self.cell(PAGE_COUNT_W, 4, f"Halaman {self.page_no()} dari {{nb}}", align="R")

    def _watermark(self, words: str) -> None:
        """``words`` across the page, faint, over whatever the page holds: a copy of a
        version not in force shows it however it is cut or photocopied."""
        with self.local_context(fill_opacity=0.12, text_color=(200, 0, 0)):
            self.set_font(self.family, "B", 44)
            with self.rotation(25, PAGE_W / 2, PAGE_H / 2):
                self.set_xy(MARGIN, PAGE_H / 2 - 10)
                self.cell(BODY_W, 20, printable(self, words), align="C")


def sop_pdf(document: SopDocument, identity: OfficeIdentity | None = None,
            mark: str | None = None) -> bytearray:
    """Draw ``document`` as a landscape A4 PDF: kop and identitas, the table with its
    symbols, then the signature block. ``identity`` fills the kop cell; ``mark``
    (``engine.process.versions.not_in_force``) says on every page, in its footer and as a
    watermark of its words before the colon, that the version is not the one in force."""
    pdf = _SopPdf(document, mark)
    pdf.add_page()
    _identitas(pdf, document, identity or OfficeIdentity())
    _table(pdf, document)
    _signature(pdf, document, identity or OfficeIdentity())
    return pdf.output()


def _lines(pdf: FPDF, width: float, text: str) -> list[str]:
    return pdf.multi_cell(width, LINE, printable(pdf, text), dry_run=True, output="LINES") or [""]


def _text(pdf: FPDF, x: float, y: float, width: float, text: str, align: str = "L") -> None:
    pdf.set_xy(x, y)
    pdf.multi_cell(width, LINE, printable(pdf, text), align=align)


def _header_text(document: SopDocument, name: str) -> str:
    """A header value as printed: list fields numbered, "Disahkan oleh" one item a line."""
    found = document.items(name)
    if not found:
        return document.header[name]
    if name == "disahkan_oleh" or len(found) == 1:
        return "\n".join(found)
    return "\n".join(f"{number}. {item}" for number, item in enumerate(found, start=1))


def _identitas(pdf: _SopPdf, document: SopDocument, identity: OfficeIdentity) -> None:
    header = {name: _header_text(document, name) for name in document.header}
    left, label_w = 100.0, 42.0
    value_w = BODY_W - left - label_w
    pdf.set_font(pdf.family, "", 8)
    heights = [max(len(_lines(pdf, value_w - 2 * PAD, header[name])) * LINE + 2 * PAD, 7)
               for name, _ in IDENTITAS]
    top, y = pdf.get_y(), pdf.get_y()
    for (name, label), height in zip(IDENTITAS, heights):
        pdf.rect(MARGIN + left, y, label_w, height)
        pdf.rect(MARGIN + left + label_w, y, value_w, height)
        pdf.set_font(pdf.family, "B", 8)
        _text(pdf, MARGIN + left + PAD, y + PAD, label_w - 2 * PAD, label)
        pdf.set_font(pdf.family, "B" if name == "nama_sop" else "", 8)
        _text(pdf, MARGIN + left + label_w + PAD, y + PAD, value_w - 2 * PAD, header[name])
        y += height
    _kop(pdf, identity, top, left)
    pdf.set_font(pdf.family, "B", 11)
    _text(pdf, MARGIN + 4, pdf.get_y() + 2, left - 8, "STANDAR OPERASIONAL PROSEDUR",
          align="C")
    pdf.set_font(pdf.family, "B", 9)
    _text(pdf, MARGIN + 4, pdf.get_y() + 1, left - 8, document.name.upper(), align="C")
    # A long office name, unit or SOP name makes the kop cell taller than the rows beside
    # it: the box grows (the rows' column closes with an empty cell) instead of the title
    # running out of it into what follows.
    bottom = max(y, pdf.get_y() + 2)
    if bottom > y:
        pdf.rect(MARGIN + left, y, BODY_W - left, bottom - y)
    pdf.rect(MARGIN, top, left, bottom - top)
    y = bottom

    half = BODY_W / 2
    y += 3
    for pair in GRID:
        pdf.set_font(pdf.family, "", 8)
        height = max(max(len(_lines(pdf, half - 2 * PAD, header[name])) for name, _ in pair)
                     * LINE + 2 * PAD, 7)
        for index, (name, label) in enumerate(pair):
            x = MARGIN + index * half
            pdf.set_fill_color(235, 235, 235)
            pdf.rect(x, y, half, 6, style="DF")
            pdf.set_font(pdf.family, "B", 8)
            _text(pdf, x + PAD, y + 1.3, half - 2 * PAD, label.upper())
            pdf.rect(x, y + 6, half, height)
            pdf.set_font(pdf.family, "", 8)
            _text(pdf, x + PAD, y + 6 + PAD, half - 2 * PAD, header[name])
        y += 6 + height
    pdf.set_y(y + 5)


def _kop(pdf: _SopPdf, identity: OfficeIdentity, top: float, width: float) -> None:
    """The office's logo, name and unit at the top of the kop cell; leaves y below them."""
    y = top + 2
    if identity.logo:
        try:
            # Fitted into LOGO_HEIGHT high and the cell's width less its margins, centred:
            # a wide logo (800×100) is drawn narrower rather than over the rows beside it.
            with Image.open(io.BytesIO(identity.logo)) as picture:
                aspect = picture.width / picture.height
            logo_w = min(LOGO_HEIGHT * aspect, width - 8)
            logo_h = logo_w / aspect
            pdf.image(io.BytesIO(identity.logo), x=MARGIN + (width - logo_w) / 2, y=y,
                      w=logo_w, h=logo_h)
            y += logo_h + 1
        except (OSError, ValueError, ZeroDivisionError, Image.DecompressionBombError):
            pass  # a logo stored before logos were decoded at upload: the kop goes without
    pdf.set_y(y)
    if identity.office:
        pdf.set_font(pdf.family, "B", 10)
        _text(pdf, MARGIN + 4, y, width - 8, identity.office.upper(), align="C")
    if identity.unit:
        pdf.set_font(pdf.family, "", 8.5)
        _text(pdf, MARGIN + 4, pdf.get_y(), width - 8, identity.unit, align="C")
    if identity.office or identity.unit:
        pdf.line(MARGIN + 8, pdf.get_y() + 1, MARGIN + width - 8, pdf.get_y() + 1)
        pdf.set_y(pdf.get_y() + 2)


def _signature(pdf: _SopPdf, document: SopDocument, identity: OfficeIdentity) -> None:
    """The signature block under the table, right-aligned as in signed SOPs: "Disahkan
    oleh", the jabatan, room to sign and stamp, the name and the NIP (dots where the
    BPMN does not say)."""
    jabatan, nama, nip = document.signature
    width, height = 80.0, 40.0
    bottom = PAGE_H - MARGIN - FOOTER_H
    y = pdf.get_y() + 4
    if y + height > bottom:
        pdf.add_page()
        y = pdf.get_y()
    x = MARGIN + BODY_W - width
    pdf.set_font(pdf.family, "", 8.5)
    _text(pdf, x, y, width, "Disahkan oleh", align="C")
    pdf.set_font(pdf.family, "B", 8.5)
    _text(pdf, x, pdf.get_y(), width, jabatan or "…………………………", align="C")
    pdf.set_font(pdf.family, "B", 8.5)
    _text(pdf, x, pdf.get_y() + 18, width, nama or "(…………………………………)", align="C")
    pdf.line(x + 12, pdf.get_y() + 0.3, x + width - 12, pdf.get_y() + 0.3)
    pdf.set_font(pdf.family, "", 8.5)
    _text(pdf, x, pdf.get_y() + 1, width, f"NIP. {nip or '…………………………'}", align="C")


def _columns(document: SopDocument) -> dict[str, Any]:
    fixed = {"no": 8.0, "kelengkapan": 27.0, "waktu": 17.0, "output": 27.0, "keterangan": 40.0}
    lane_w = min(24.0, (BODY_W - sum(fixed.values()) - 58) / max(len(document.lanes), 1))
    kegiatan_w = BODY_W - sum(fixed.values()) - lane_w * len(document.lanes)
    x = MARGIN
    edges = {}
    for name, width in [("no", fixed["no"]), ("kegiatan", kegiatan_w)] + [
            (f"lane{i}", lane_w) for i in range(len(document.lanes))] + [
            (name, fixed[name]) for name in ("kelengkapan", "waktu", "output", "keterangan")]:
        edges[name] = (x, width)
        x += width
    return edges


def _table_header(pdf: FPDF, document: SopDocument, cols: dict[str, Any]) -> float:
    """Draw the two header rows at the current y; return the y below them."""
    y, top_h, sub_h = pdf.get_y(), 6.0, 8.0
    lanes_x = cols["lane0"][0] if document.lanes else cols["kegiatan"][0]
    lanes_w = sum(cols[f"lane{i}"][1] for i in range(len(document.lanes)))
    mutu_x = cols["kelengkapan"][0]
    mutu_w = sum(cols[name][1] for name in ("kelengkapan", "waktu", "output"))
    pdf.set_fill_color(235, 235, 235)
    pdf.set_font(pdf.family, "B", 7.5)
    spans = [("No", cols["no"][0], cols["no"][1], y, top_h + sub_h),
             ("Kegiatan", *cols["kegiatan"], y, top_h + sub_h),
             ("Pelaksana", lanes_x, lanes_w, y, top_h),
             ("Mutu Baku", mutu_x, mutu_w, y, top_h),
             ("Keterangan", *cols["keterangan"], y, top_h + sub_h)]
    spans += [(lane, *cols[f"lane{i}"], y + top_h, sub_h) for i, lane in enumerate(document.lanes)]
    spans += [(label, *cols[name], y + top_h, sub_h) for name, label in (
        ("kelengkapan", "Kelengkapan"), ("waktu", "Waktu"), ("output", "Output"))]
    for label, x, width, top, height in spans:
        pdf.rect(x, top, width, height, style="DF")
        lines = _lines(pdf, width - 1, label)
        _text(pdf, x + 0.5, top + (height - len(lines) * LINE) / 2, width - 1, label, align="C")
    return y + top_h + sub_h


def _column_lines(pdf: FPDF, cols: dict[str, Any], name: str, text: str) -> list[str]:
    """``text`` as the table's column ``name`` wraps it (7.5 pt)."""
    pdf.set_font(pdf.family, "", 7.5)
    return _lines(pdf, cols[name][1] - 2 * PAD, text)


def _row_height(pdf: FPDF, row: SopRow, cols: dict[str, Any]) -> float:
    texts = {"no": row.no, "kegiatan": row.kegiatan, "kelengkapan": row.kelengkapan,
             "waktu": row.waktu, "output": row.output, "keterangan": row.keterangan}
    text_h = max(len(_column_lines(pdf, cols, name, text)) for name, text in texts.items())
    symbol_h = SYMBOL_TOP + SYMBOL_H + TAIL + len(row.exits) * EXIT_LINE + (1 if row.exits else 0)
    return max(text_h * LINE + 2 * PAD, symbol_h)


def _table(pdf: FPDF, document: SopDocument) -> None:
    cols = _columns(document)
    bottom = PAGE_H - MARGIN - FOOTER_H
    # Like the printed originals, the table starts on a fresh page rather than leave a
    # single row under the identitas.
    opening = sum(_row_height(pdf, row, cols) for row in document.rows[:2])
    if pdf.get_y() + 8 + 14 + opening > bottom:
        pdf.add_page()
    pdf.set_font(pdf.family, "B", 10)
    _text(pdf, MARGIN, pdf.get_y(), BODY_W, f"PROSEDUR {document.name.upper()}", align="C")
    pdf.set_y(pdf.get_y() + 2)
    y = _table_header(pdf, document, cols)
    previous: SopRow | None = None
    fit = int((bottom - MARGIN - TABLE_TOP) / LINE)
    for row in printed_rows(document.rows, lambda name, text: _column_lines(
            pdf, cols, name, text), fit):
        height = _row_height(pdf, row, cols)
        if y + height > bottom:
            if previous is not None and previous.to_column is not None:
                off_page_connector(pdf, lane_center(cols, previous.to_column), y + 1, row.no)
            pdf.add_page()
            y = _table_header(pdf, document, cols)
            if previous is not None and previous.to_column is not None:
                y = _continued_connector(pdf, lane_center(cols, previous.to_column), y, row,
                                         cols)
        _row(pdf, document, row, cols, y, height)
        y += height
        previous = row
    pdf.set_font(pdf.family, "B", 8.5)
    if y + 12 > bottom:
        pdf.add_page()
        y = pdf.get_y()
    _text(pdf, MARGIN, y + 2, BODY_W, f"Waktu yang diperlukan: {document.total.text}")
    if document.total.note:
        pdf.set_font(pdf.family, "", 7.5)
        _text(pdf, MARGIN, pdf.get_y() + 0.5, BODY_W, document.total.note)


def _row(pdf: FPDF, document: SopDocument, row: SopRow, cols: dict[str, Any], y: float,
         height: float) -> None:
    pdf.set_font(pdf.family, "", 7.5)
    for name, (x, width) in cols.items():
        pdf.rect(x, y, width, height)
    texts = {"no": row.no, "kegiatan": row.kegiatan, "kelengkapan": row.kelengkapan,
             "waktu": row.waktu, "output": row.output, "keterangan": row.keterangan}
    for name, text in texts.items():
        x, width = cols[name]
        _text(pdf, x + PAD, y + PAD, width - 2 * PAD, text,
              align="C" if name in ("no", "waktu") else "L")
    if row.symbol != CONTINUED:
        draw_symbol(pdf, row, cols, y, height)


def _continued_connector(pdf: _SopPdf, x: float, y: float, row: SopRow,
                         cols: dict[str, Any]) -> float:
    """The same connector at the head of the continuing page, in a band above ``row``,
    with the line on to the row's symbol; returns the y below the band."""
    band = 8.0
    pdf.line(MARGIN, y, MARGIN + BODY_W, y)
    off_page_connector(pdf, x, y + 1, row.no)
    pdf.line(x, y + 6.5, x, y + band)
    for left, _ in cols.values():
        pdf.line(left, y, left, y + band)
    pdf.line(MARGIN + BODY_W, y, MARGIN + BODY_W, y + band)
    return y + band
