"""Administration: the office's identity printed in the SOP document's kop (name, unit,
logo)."""

import base64
import io
from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user
from PIL import Image, UnidentifiedImageError

from engine import settings
from engine.errors import Conflict
from engine.text import trimmed
from web.extensions import clock, db
from web.time_words import file_size
from web.views.admin import admin_required, bp
from web.views.admin_settings import MAX_LOGO_BYTES, settings_page, stored_settings

MAX_NAME_CHARS = 200
# The formats fpdf2 and every browser draw.
LOGO_FORMATS = ("PNG", "JPEG")
# A logo printed 14 mm high needs no more; a small file may hold a huge, compressed image.
MAX_LOGO_PIXELS = 2000


@bp.post("/pengaturan/identitas")
@admin_required
def office_identity() -> Any:
    """Store the office's name, unit and (optional) logo; an empty file keeps the logo,
    "hapus_logo" removes it. Refused as a whole, with the field named, when too long or
    not a PNG/JPEG of at most ``MAX_LOGO_BYTES``; refused (409, nothing stored) when
    another administrator changed the identity since the page (its ``versi``) showed it."""
    stored = settings.get(db.session, "identity")
    office = trimmed(" ".join(request.form.get("office", "").split()))
    unit = trimmed(" ".join(request.form.get("unit", "").split()))
    errors = {}
    for field, text in (("office", office), ("unit", unit)):
        if len(text) > MAX_NAME_CHARS:
            errors[field] = gettext("Paling banyak %(n)d huruf.", n=MAX_NAME_CHARS)
    logo = stored.get("logo", "")
    upload = request.files.get("logo")
    if request.form.get("hapus_logo") == "on":
        logo = ""
    elif upload is not None and upload.filename:
        data = upload.read(MAX_LOGO_BYTES + 1)
        if len(data) > MAX_LOGO_BYTES:
            errors["logo"] = gettext("Logo paling besar %(size)s.", size=file_size(MAX_LOGO_BYTES))
        elif (problem := logo_problem(data)) is not None:
            errors["logo"] = problem
        else:
            logo = base64.b64encode(data).decode("ascii")
    if errors:
        return settings_page(stored_settings(), identity_errors=errors,
                             identity_form=request.form), 422
    try:
        changed = settings.save(db.session, clock(), current_user,
                                {"identity": {"office": office, "unit": unit, "logo": logo}},
                                seen=request.form.get("versi"))
    except Conflict:  # the page's name, unit or logo are no longer the stored ones
        db.session.rollback()
        flash(gettext("Identitas kantor sudah diubah (oleh administrator lain, atau di tab "
                      "lain) sejak halaman ini dibuka; tidak ada yang disimpan. Halaman ini "
                      "kini menampilkan identitas terbaru: ulangi perubahan Anda."), "error")
        return settings_page(stored_settings()), 409
    db.session.commit()
    if changed:
        flash(gettext("Identitas kantor disimpan."), "success")
    else:
        flash(gettext("Tidak ada yang berubah; identitas kantor tetap."), "info")
    return redirect(url_for("admin.office_settings"))


def logo_problem(data: bytes) -> str | None:
    """Why ``data`` cannot be the logo (in the user's language), or None: it must decode
    whole as a PNG or JPEG (Pillow) of at most ``MAX_LOGO_PIXELS`` on each side, so that
    the SOP PDF (fpdf2) can always draw it."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in LOGO_FORMATS:
                return gettext("Logo harus gambar PNG atau JPEG.")
            if max(image.size) > MAX_LOGO_PIXELS:
                return gettext("Logo paling besar %(n)d × %(n)d piksel.", n=MAX_LOGO_PIXELS)
            image.load()
    except UnidentifiedImageError:
        return gettext("Logo harus gambar PNG atau JPEG.")
    except (OSError, ValueError, Image.DecompressionBombError):
        return gettext("Logo rusak atau terpotong; simpan ulang sebagai PNG atau JPEG.")
    return None
