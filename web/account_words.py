"""An account's history (``engine.people.account_history``) in the reader's language: what
each record says happened, and its particulars (roles before and after, the token's
prefix)."""

from typing import Any

from flask_babel import gettext, lazy_gettext

from engine.people.tokens import MAX_LIVE
from web.i18n import LANGUAGES

ACCOUNT_TEXT = {
    "user.created": lazy_gettext("Akun dibuat"),
    "user.details_changed": lazy_gettext("Nama atau surel diubah administrator"),
    "user.roles_changed": lazy_gettext("Peran diubah"),
    "user.admin_granted": lazy_gettext("Dijadikan administrator"),
    "user.admin_revoked": lazy_gettext("Hak administrator dicabut"),
    "user.auditor_granted": lazy_gettext("Dijadikan auditor (hanya membaca)"),
    "user.auditor_revoked": lazy_gettext("Hak auditor dicabut"),
    "user.disabled": lazy_gettext("Akun dinonaktifkan"),
    "user.enabled": lazy_gettext("Akun diaktifkan kembali"),
    "user.password_reset": lazy_gettext("Kata sandi diatur ulang (sementara)"),
    "user.password_changed": lazy_gettext("Kata sandi diganti pemiliknya"),
    "user.email_changed": lazy_gettext("Surel diganti pemiliknya"),
    "user.language_changed": lazy_gettext("Bahasa antarmuka diganti"),
    "user.notice_preference_changed": lazy_gettext("Notifikasi tugas baru diubah"),
    "user.logged_in": lazy_gettext("Masuk ke Alur"),
    "user.login_failed": lazy_gettext("Gagal masuk (nama pengguna atau kata sandi salah)"),
    "user.logged_out": lazy_gettext("Keluar dari Alur"),
    "token.issued": lazy_gettext("Token API dibuat"),
    "token.revoked": lazy_gettext("Token API dicabut"),
}


def account_event(action: str) -> str:
    """What the record ``action`` says happened; the action itself when unknown."""
    return str(ACCOUNT_TEXT.get(action, action))


def account_detail(action: str, detail: dict[str, Any]) -> str:
    """The record's particulars in words; empty when there are none worth showing."""
    if action == "user.roles_changed":
        return gettext("%(before)s → %(after)s",
                       before=_roles(detail.get("previous")), after=_roles(detail.get("roles")))
    if action == "user.created":
        roles = _roles(detail.get("roles"))
        made = gettext("auditor (hanya membaca)") if detail.get("auditor") else gettext(
            "%(roles)s; administrator", roles=roles) if detail.get("admin") else roles
        language = detail.get("language", "id")  # said only when not the default
        return made if language == "id" else f"{made}; {LANGUAGES.get(language, language)}"
    if action == "user.details_changed":
        return _details(detail)
    if action == "user.email_changed":
        return _email_change(detail.get("email"), detail.get("previous"))
    if action == "user.language_changed":
        return LANGUAGES.get(detail.get("language", ""), detail.get("language", ""))
    if action == "user.notice_preference_changed":
        return gettext("aktif") if detail.get("new_tasks") else gettext("nonaktif")
    if action == "user.login_failed" and detail.get("page"):
        return gettext("dari %(address)s: kata sandi sekarang salah pada Ganti kata sandi, "
                       "dalam sesi yang sudah masuk", address=detail.get("address") or "?")
    if action == "user.login_failed":
        return gettext("dari %(address)s", address=detail.get("address") or "?")
    if action == "token.revoked" and detail.get("cause") == "limit":
        return gettext("token %(prefix)s… (yang tertua: paling banyak %(max)d token berlaku "
                       "sekaligus)", prefix=detail.get("prefix", ""), max=MAX_LIVE)
    if action in ("token.issued", "token.revoked"):
        return gettext("token %(prefix)s…", prefix=detail.get("prefix", ""))
    return ""


def _email_change(email: str | None, previous: str | None) -> str:
    """The holder's new address, "old → new" when the record keeps the old one; an address
    removed says so rather than a blank (the English admin probe)."""
    if email:
        return gettext("%(before)s → %(after)s", before=previous, after=email) if previous \
            else email
    return gettext("dihapus (sebelumnya %(email)s)", email=previous) if previous \
        else gettext("dihapus")


def _details(detail: dict[str, Any]) -> str:
    """What an administrator changed of name and e-mail: each changed one as before → after;
    records older than the previous values: the values set."""
    if "previous_full_name" not in detail:
        return gettext("%(name)s; surel %(email)s", name=detail.get("full_name", ""),
                       email=detail.get("email") or "—")
    said = []
    if detail["previous_full_name"] != detail.get("full_name"):
        said.append(gettext("nama %(before)s → %(after)s", before=detail["previous_full_name"],
                            after=detail.get("full_name", "")))
    if detail.get("previous_email") != detail.get("email"):
        said.append(gettext("surel %(before)s → %(after)s",
                            before=detail.get("previous_email") or "—",
                            after=detail.get("email") or "—"))
    return "; ".join(said)


def _roles(roles: Any) -> str:
    return ", ".join(roles) if roles else gettext("tanpa peran")
