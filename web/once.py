"""The pages' side of forms sent once (``engine.process.receipts``): the hidden field each
such form carries, and the answer to a page sent again — where the first sending led."""

from typing import Any

from flask import Flask, flash, redirect, request
from flask_babel import gettext
from flask_login import current_user
from markupsafe import Markup

from engine.models import FormReceipt
from engine.process import receipts
from web.extensions import clock, db

FIELD = "sekali"


def once_field() -> Markup:
    """The hidden input of a form sent once (a template global): a new key, or the key
    just posted when the page shows its form again (refused with 422, or "Tampilkan
    formulirnya"), so that this page and the one before it, reached again with Back, are
    one page and make one thing."""
    posted = request.form.get(FIELD, "") if request.method == "POST" else ""
    key = posted if receipts.KEY.fullmatch(posted) else receipts.new_key()
    return Markup(f'<input type="hidden" name="{FIELD}" value="{key}">')


def claim_form() -> FormReceipt | None:
    """Record the posted page's key for the current user (not committed): call before the
    change is made, and give the receipt its ``location`` once it is.

    Raises:
        receipts.DuplicateForm: the page was sent before; answer with ``sent_before``.
    """
    return receipts.claim(db.session, clock(), current_user, request.form.get(FIELD, ""))


def sent_before(duplicate: receipts.DuplicateForm, fallback: str) -> Any:
    """The answer to a page sent again: nothing is done again (the session is rolled
    back); the user is led to what the first sending made (``fallback``, a path of this
    site, while it has no location yet) and told so."""
    db.session.rollback()
    flash(gettext("Formulir ini sudah terkirim sebelumnya; tidak dikirim dua kali."), "info")
    return redirect(duplicate.location or fallback)


def done(receipt: FormReceipt | None, location: str) -> None:
    """Note where the change of ``receipt``'s page leads (a path of this site)."""
    if receipt is not None:
        receipt.location = location


def register(app: Flask) -> None:
    """Install ``once_field`` as a template global."""
    app.add_template_global(once_field)


