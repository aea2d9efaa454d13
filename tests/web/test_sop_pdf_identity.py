"""The PDF of the IT service request SOP as it is signed: the office's identity (name,
unit, logo set on the settings page) in the kop cell, the signature block, embedded
Unicode fonts, "→" on decisions, and the off-page connector repeated on the next page."""

import base64
import io
import re
import shutil
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader

from engine import settings
from engine.models import AuditRecord
from tests.web.conftest import csrf_token, login
from web.extensions import db

IT_SOP = "/sop/penanganan_permintaan_layanan_ti/versi/1"
OFFICE, UNIT = "Pengadilan Agama Bima", "Subbagian Perencanaan, TI dan Pelaporan"


def _logo(size: tuple[int, int] = (64, 64)) -> bytes:
    image = Image.new("RGB", size, "navy")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _save_identity(client, **fields):
    token = csrf_token(client.get("/admin/pengaturan").get_data(as_text=True))
    return client.post("/admin/pengaturan/identitas", data={"csrf_token": token, **fields},
                       content_type="multipart/form-data")


def _first_page(data: bytes, folder) -> Image.Image:
    """The PDF's first page rendered at 40 dpi by poppler's pdftoppm (skips without it)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing (Debian poppler-utils, .ci/run installs it)")
    pdf = folder / "sop.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(folder / "page")], check=True, timeout=60)
    return Image.open(next(folder.glob("page*.png"))).convert("RGB")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_identity_cell_signature_block_and_embedded_fonts(app, client, tmp_path):
    login(client, "admin")
    response = _save_identity(client, office=OFFICE, unit=UNIT,
                              logo=(io.BytesIO(_logo()), "logo.png"))
    assert response.status_code == 302
    with app.app_context():
        assert settings.get(db.session, "identity")["office"] == OFFICE
        assert db.session.query(AuditRecord).filter_by(action="settings.changed").count() == 1

    data = client.get(IT_SOP + ".pdf").data
    reader = PdfReader(io.BytesIO(data))
    first = _squash(reader.pages[0].extract_text())
    last = _squash(reader.pages[-1].extract_text())
    assert _squash(OFFICE.upper()) in first and _squash(UNIT) in first
    assert first.index(_squash(OFFICE.upper())) < first.index("STANDAROPERASIONALPROSEDUR")
    assert "Disahkanoleh" in last and "NIP." in last
    assert last.index("Waktuyangdiperlukan") < last.rindex("Disahkanoleh")
    # The logo is drawn on the first page.
    assert len(reader.pages[0].images) == 1
    # Every font is embedded as a TrueType program (DejaVu Sans).
    fonts = [font.get_object() for page in reader.pages
             for font in page["/Resources"]["/Font"].values()]
    assert fonts and all("/FontFile2" in font["/DescendantFonts"][0].get_object()
                         ["/FontDescriptor"] for font in fonts)
    # The connector at the foot of page 1 names the row the next page starts with, and
    # the same connector heads page 2.
    second = _squash(reader.pages[1].extract_text())
    continues_at = re.search(r"KelengkapanWaktuOutput(\d+)\1[A-Z]", second)
    assert continues_at is not None
    assert first[:first.rindex("SOP")].endswith(continues_at.group(1))
    rendered = _first_page(data, tmp_path)
    # The navy logo shows in the kop cell (the left third of the page's top).
    width, height = rendered.size
    kop = rendered.crop((0, 0, width // 3, height // 3))
    pixels = [kop.getpixel((x, y)) for x in range(kop.width) for y in range(kop.height)]
    navy = [(r, g, b) for r, g, b in pixels if b > 90 and r < 40 and g < 40]
    assert len(navy) > 20


def test_decision_labels_use_an_arrow(client):
    login(client, "admin")
    text = _squash("".join(p.extract_text() for p in PdfReader(io.BytesIO(
        client.get("/sop/penyusunan_rkt/versi/1.pdf").data)).pages))
    assert "Ya→No5" in text and "->" not in text


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"office": "x" * 201, "unit": ""}, "office", "Paling banyak 200 huruf."),
    ({"office": "", "unit": "", "logo": (io.BytesIO(b"%PDF-1.4 ..."), "logo.pdf")}, "logo",
     "Logo harus gambar PNG atau JPEG."),
    ({"office": "", "unit": "", "logo": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 210_000),
                                         "big.png")}, "logo", "Logo paling besar 200 KB."),
    # A PNG signature before garbage, a real PNG cut short, a small file of a huge image:
    # each was stored, and then every SOP's PDF answered 500.
    ({"office": "", "unit": "", "logo": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"x" * 700),
                                         "palsu.png")}, "logo",
     "Logo rusak atau terpotong; simpan ulang sebagai PNG atau JPEG."),
    ({"office": "", "unit": "", "logo": (io.BytesIO(_logo()[:-30]), "potong.png")}, "logo",
     "Logo rusak atau terpotong; simpan ulang sebagai PNG atau JPEG."),
    ({"office": "", "unit": "", "logo": (io.BytesIO(_logo((3000, 10))), "lebar.png")}, "logo",
     "Logo paling besar 2000 × 2000 piksel."),
])
def test_bad_identity_is_refused_naming_the_field(app, client, fields, field, message):
    login(client, "admin")
    response = _save_identity(client, **fields)
    assert response.status_code == 422
    assert f'id="identity-{field}-error">{message}<' in response.get_data(as_text=True)
    with app.app_context():
        assert settings.get(db.session, "identity") == settings.DEFAULTS["identity"]


def test_a_logo_stored_before_it_was_checked_leaves_the_pdf_without_it(app, client):
    with app.app_context():
        settings.put(db.session, "identity", {"office": OFFICE, "unit": UNIT,
                                              "logo": base64.b64encode(b"\x89PNG\r\n\x1a\n"
                                                                       b"rusak").decode()})
        db.session.commit()
    login(client, "prakom")
    answer = client.get(f"{IT_SOP}.pdf")
    assert answer.status_code == 200
    assert _squash(OFFICE.upper()) in _squash_pdf(answer.data)


def _squash_pdf(data: bytes) -> str:
    return _squash("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def test_invisible_characters_at_the_ends_of_the_names_are_trimmed_as_spaces(app, client):
    """Pasted from a chat: a zero-width space at either end is no part of the kop's name, and
    a name of nothing but such characters is empty (README, "Batas")."""
    login(client, "admin")
    assert _save_identity(client, office="\u200bPN Contoh\u200b", unit="\u200b \ufeff"
                          ).status_code == 302
    with app.app_context():
        identity = settings.get(db.session, "identity")
    assert (identity["office"], identity["unit"]) == ("PN Contoh", "")


def test_only_administrators_set_the_identity(client):
    login(client, "prakom")
    assert _save_identity(client, office="X", unit="").status_code == 403


def _navy(pixel: tuple[int, int, int]) -> bool:
    red, green, blue = pixel
    return blue > 90 and red < 40 and green < 40


def _positions(page) -> list[tuple[str, float, float]]:
    """Each text run of a PDF page with its x and its height from the page's top, mm."""
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x, y = cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]
            found.append((text.strip(), x * 25.4 / 72, (float(page.mediabox.height) - y)
                          * 25.4 / 72))

    page.extract_text(visitor_text=visit)
    return found


def test_a_wide_logo_and_long_names_stay_inside_the_kop_cell(client, tmp_path):
    login(client, "admin")
    assert _save_identity(client, office="Pengadilan " + "Agama " * 16, unit="Sub" * 37,
                          logo=(io.BytesIO(_logo((800, 100))), "logo.png")).status_code == 302
    data = client.get(IT_SOP + ".pdf").data
    runs = _positions(PdfReader(io.BytesIO(data)).pages[0])
    title = next(top for text, _, top in runs if text == "PENANGANAN PERMINTAAN LAYANAN TI")
    grid = min(top for text, _, top in runs if text.startswith("DASAR HUKUM"))
    assert title < grid, "the SOP's name ends above the grid below the kop"
    rendered = _first_page(data, tmp_path)
    navy = [x for x in range(rendered.width) for y in range(rendered.height // 3)
            if _navy(rendered.getpixel((x, y)))]
    # The kop cell is the page's first 10 + 100 mm of 297.
    assert navy and max(navy) < rendered.width * 110 / 297


def test_a_pdf_once_drawn_is_kept_until_the_identity_changes(app, client, monkeypatch):
    """Drawing the largest SOP the limits allow took half a minute, each time, and four
    readers at once stacked past gunicorn's timeout."""
    from web.views import documents

    drawn, draw = [], documents.sop_pdf

    def counting(document, identity, mark):
        drawn.append(identity.office)
        return draw(document, identity, mark)

    monkeypatch.setattr(documents, "sop_pdf", counting)
    login(client, "admin")
    first = client.get(f"{IT_SOP}.pdf")
    again = client.get(f"{IT_SOP}.pdf")
    assert (first.status_code, again.data) == (200, first.data)
    assert len(drawn) == 1
    assert _save_identity(client, office=OFFICE, unit=UNIT).status_code == 302
    changed = client.get(f"{IT_SOP}.pdf")
    assert changed.status_code == 200 and changed.data != first.data
    assert drawn == ["", OFFICE]
