"""The secrets of Pengaturan: the SMTP password and the webhook's signing secret, stored
sealed with ``ALUR_SECRET_KEY`` (``engine.settings.seal``), never shown back; the same one
typed again changes nothing; one sealed under another key is said beside its field, since
until it is typed again no e-mail or webhook message leaves the outbox."""

import unicodedata
from typing import Any

from flask import current_app
from flask_babel import gettext

from engine import settings
from web import addresses

# The shortest signing secret: 16 characters, about 96 bits when random (README, webhook).
MIN_WEBHOOK_SECRET = 16


def resealed(typed: str, stored: str) -> str:
    """``typed`` sealed; ``stored`` itself when it already holds ``typed`` (a secret typed
    again is no change: no new record in the settings history)."""
    try:
        if stored and settings.unseal(stored, current_app.secret_key) == typed:
            return stored
    except settings.SealedUnderAnotherKey:
        pass  # sealed under another key: the typed one replaces it
    return settings.seal(typed, current_app.secret_key)


def unreadable_secrets(current: dict[str, Any]) -> set[str]:
    """The form fields (``smtp_password``, ``webhook_secret``) whose stored secret was
    sealed under another ``ALUR_SECRET_KEY`` and cannot be read now."""
    found = set()
    for field, stored in (("smtp_password", current["smtp"].get("password", "")),
                          ("webhook_secret", current["webhook"].get("secret", ""))):
        try:
            settings.unseal(stored, current_app.secret_key)
        except settings.SealedUnderAnotherKey:
            found.add(field)
    return found


def webhook_setting(form: Any, current: dict[str, Any], errors: dict[str, str]
                    ) -> dict[str, str]:
    """The webhook setting as typed: its address, and its signing secret (an empty field
    keeps the stored one; "Hapus rahasia yang tersimpan" removes it); each problem in
    ``errors`` by field, in the reader's language."""
    url = form.get("webhook_url", "").strip()
    if url and not addresses.web_address(url):
        errors["webhook_url"] = gettext("Alamat webhook harus diawali http:// atau https:// dan "
                                        "berisi nama host (serta port 1–65535) yang terbaca.")
    typed = form.get("webhook_secret", "")
    clear = form.get("webhook_secret_clear") == "on"
    problem = _secret_problem(typed) if typed else None
    if typed and clear:
        problem = gettext("Isi rahasia baru atau hapus yang tersimpan, bukan keduanya.")
    if problem:
        errors.setdefault("webhook_secret", problem)
    secret = current.get("secret", "")
    if typed and "webhook_secret" not in errors:
        secret = resealed(typed, secret)
    elif clear:
        secret = ""
    # A setting stored before secrets existed has none: saving it unchanged changes nothing.
    return {"url": url, "secret": secret} if secret or "secret" in current else {"url": url}


def _secret_problem(typed: str) -> str | None:
    """What is wrong with a typed signing secret, naming the rule it breaks; None: fine."""
    if any(unicodedata.category(character) == "Cc" for character in typed):  # C0, DEL, C1
        return gettext("Rahasia memuat karakter kendali (baris baru, tab); salin ulang dari "
                       "pengaturan penerima webhook.")
    if typed != typed.strip():
        return gettext("Rahasia diawali atau diakhiri spasi; hapus spasinya.")
    if len(typed) < MIN_WEBHOOK_SECRET:
        return gettext("Rahasia paling sedikit %(min)d karakter (kini %(count)d).",
                       min=MIN_WEBHOOK_SECRET, count=len(typed))
    return None
