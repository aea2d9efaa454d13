"""Kotak Masuk's tools in the reader's language: what happened to each task of Ambil or
Alihkan sekaligus (``engine.process.bulk.Outcome``'s kind and parameters), and why a
filter was not saved. The engine's own reasons (``refused``) stay Indonesian (README,
"Bahasa") but for its commonest refusals (``web.engine_words``)."""

from flask_babel import gettext

from engine.process.bulk import Outcome
from engine.process.saved_filters import MAX_NAME, MAX_PER_USER
from engine.text import one_period, trimmed
from web.engine_words import in_reader_language


def said(outcome: Outcome) -> str:
    """One outcome's sentence; its Indonesian ``message`` for a kind this does not know."""
    kind, params = outcome.kind, outcome.params
    if kind == "hidden" and params["verb"] == "ambil":
        return gettext("Tugas #%(id)s tidak dapat Anda ambil: Anda tidak memegang peran tugas "
                       "ini.", id=outcome.task_id)
    if kind == "hidden":
        return gettext("Tugas #%(id)s tidak dapat Anda alihkan: Anda tidak memegang peran "
                       "tugas ini.", id=outcome.task_id)
    if kind == "refused" and "step" not in params:
        return in_reader_language(params["why"])
    sentences = {
        "taken": lambda: gettext('Tugas "%(step)s" (%(case)s) Anda ambil.', **params),
        "assigned": lambda: one_period(gettext('Tugas "%(step)s" (%(case)s) dialihkan kepada '
                                               "%(assignee)s.", **params)),
        "held": lambda: gettext('Tugas "%(step)s" (%(case)s) sudah dipegang %(assignee)s; '
                                "tidak ada yang berubah.", **params),
        "other_role": lambda: gettext('Tugas "%(step)s" (%(case)s) dikerjakan peran %(role)s; '
                                      "tidak dapat Anda ambil.", **params),
        "not_assignable": lambda: gettext(
            'Tugas "%(step)s" (%(case)s) tidak dapat Anda alihkan: tugas peran %(role)s hanya '
            "dialihkan oleh %(supervisor)s.", **params) if params["supervisor"] else gettext(
            'Tugas "%(step)s" (%(case)s) tidak dapat Anda alihkan: tugas peran %(role)s tidak '
            "dialihkan.", **params),
        "refused": lambda: gettext('Tugas "%(step)s" (%(case)s): %(why)s', step=params["step"],
                                   case=params["case"], why=in_reader_language(params["why"])),
        # The engine's reason went on from the step's name ("sudah diambil oleh …").
        "refused_named": lambda: gettext('Tugas "%(step)s" (%(case)s) %(why)s', **params),
    }
    if kind == "closed":
        return _closed(params)
    return sentences[kind]() if kind in sentences else outcome.message


def _closed(params: dict) -> str:
    step, case = params["step"], params["case"]
    if params["verb"] == "ambil" and params["state"] == "completed":
        return gettext('Tugas "%(step)s" (%(case)s) sudah selesai; tidak dapat diambil lagi.',
                       step=step, case=case)
    if params["verb"] == "ambil":
        return gettext('Tugas "%(step)s" (%(case)s) sudah dibatalkan; tidak dapat diambil '
                       "lagi.", step=step, case=case)
    if params["state"] == "completed":
        return gettext('Tugas "%(step)s" (%(case)s) sudah selesai; tidak dapat dialihkan '
                       "lagi.", step=step, case=case)
    return gettext('Tugas "%(step)s" (%(case)s) sudah dibatalkan; tidak dapat dialihkan lagi.',
                   step=step, case=case)


def filter_refusal(name: str) -> str:
    """Why the saved filter ``name`` (as typed) was refused: its name, or the limit of
    kept filters (``engine.process.saved_filters.save_filter``'s two refusals)."""
    if not trimmed(name):
        return gettext("Saringan tidak disimpan: beri saringan ini nama (paling panjang "
                       "%(max)d karakter).", max=MAX_NAME)
    if len(trimmed(name)) > MAX_NAME:
        return gettext("Saringan tidak disimpan: nama saringan paling panjang %(max)d "
                       "karakter; yang ditulis %(count)d.", max=MAX_NAME,
                       count=len(trimmed(name)))
    return gettext("Saringan tidak disimpan: paling banyak %(max)d saringan tersimpan; hapus "
                   "salah satu dulu.", max=MAX_PER_USER)
