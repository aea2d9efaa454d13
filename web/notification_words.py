"""A notification in the reader's language, rendered when shown (issue 15): its label
("Pengingat" for level 1, "Eskalasi ke atasan" for levels 2 and up), its sentence from
the stored kind and parameters, the state of its step now (who holds it and how late, in
``web.time_words``' wording, or "sudah diselesaikan") and where its link leads.

Rows stored before parameters existed (``params`` None) show their Indonesian sentence,
an old escalation's "Eskalasi tingkat N untuk R:" prefix reworded so that it does not
repeat the label.
"""

import re
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext, lazy_gettext

from engine.escalation.notifications import TICKET_KINDS, UNREACHED_KIND, NotificationItem
from engine.text import one_period
from web.time_words import due_text, finished_text

LABELS = {"pengingat": lazy_gettext("Pengingat"), "eskalasi": lazy_gettext("Eskalasi ke atasan"),
          "penugasan": lazy_gettext("Penugasan"), "tugas_baru": lazy_gettext("Tugas baru"),
          "galat": lazy_gettext("Galat"), "tiket_diterima": lazy_gettext("Tiket diterima"),
          "tiket_pesan": lazy_gettext("Pesan tiket"),
          "tiket_menunggu": lazy_gettext("Tiket menunggu Anda"),
          "tiket_jawaban": lazy_gettext("Jawaban pemohon"),
          "tiket_selesai": lazy_gettext("Tiket sudah selesai"),
          "tiket_dibatalkan": lazy_gettext("Tiket dibatalkan"),
          "tiket_nilai_rendah": lazy_gettext("Penilaian rendah"),
          "proses_selesai": lazy_gettext("Proses selesai"),
          "proses_dibatalkan": lazy_gettext("Proses dibatalkan"),
          UNREACHED_KIND: lazy_gettext("Eskalasi tak sampai")}
# The filter "jenis" of the page, in the order it offers them (engine KINDS' keys).
FILTER_LABELS = {"pengingat": LABELS["pengingat"], "eskalasi": LABELS["eskalasi"],
                 "penugasan": LABELS["penugasan"], "tugas_baru": LABELS["tugas_baru"],
                 "tiket": lazy_gettext("Tiket"), "proses": lazy_gettext("Proses berakhir"),
                 "galat": LABELS["galat"]}
OLD_ESCALATION = re.compile(r"^Eskalasi tingkat (\d+) untuk ([^:]+): (.*)$", re.DOTALL)


@dataclass(frozen=True)
class Shown:
    """What the centre shows of one notification; ``done`` when its step is completed."""

    label: str
    text: str
    state: str
    link: str
    done: bool


def kind_of(item: NotificationItem) -> str:
    """The shown kind: an escalation at level 1 is the reminder (``pengingat``)."""
    if item.kind == "eskalasi" and item.level == 1:
        return "pengingat"
    return item.kind


def show(item: NotificationItem) -> Shown:
    """``item`` rendered now, in the request's language."""
    kind = kind_of(item)
    return Shown(label=str(LABELS.get(kind, kind)), text=sentence(item), state=step_state(item),
                 link=link_text(item), done=item.task_state == "completed")


def sentence(item: NotificationItem) -> str:
    """The notification's sentence from its kind and parameters, and in which capacity the
    reader got it when he stands in for the role's holder (``as``: "Anda menerimanya
    sebagai Plh. Kasubbag."); the stored one for old rows and for parameters this version
    does not know how to read."""
    try:
        said = _sentence(item)
    except (KeyError, TypeError, ValueError):
        return item.message
    if item.params and item.params.get("as"):
        said += " " + gettext("Anda menerimanya sebagai %(capacity)s.",
                              capacity=item.params["as"])
    return said


def _sentence(item: NotificationItem) -> str:
    params = item.params
    if params is None:
        old = OLD_ESCALATION.match(item.message) if item.kind == "eskalasi" else None
        if old is None:
            return item.message
        return gettext("Untuk %(role)s (tingkat %(level)s): %(rest)s", role=old.group(2),
                       level=old.group(1), rest=old.group(3))
    if item.kind in TICKET_KINDS:
        return _ticket(item.kind, params)
    if item.kind == "galat" and params.get("start"):
        return gettext('Mulai proses SOP "%(process)s" (versi %(version)s) oleh %(who)s gagal '
                       "pada %(element)s; tidak ada yang disimpan: %(error)s",
                       process=params["process"], version=params["version"],
                       who=params["who"], element=params["element"] or gettext("mesin proses"),
                       error=params["error"])
    case = _case(params)
    if item.kind == "eskalasi" and params.get("level", 1) == 1:
        return gettext('Langkah "%(step)s" pada %(case)s melewati batas waktu.',
                       step=params["step"], case=case)
    if item.kind == "eskalasi":
        return gettext('Untuk %(role)s (tingkat %(level)s): langkah "%(step)s" pada %(case)s '
                       "melewati batas waktu.", role=params["role"], level=params["level"],
                       step=params["step"], case=case)
    if item.kind == UNREACHED_KIND:
        return _unreached(params, case)
    if item.kind == "penugasan" and "moved" in params:
        return gettext('%(who)s memindahkan %(case)s ke versi %(version)s SOP-nya; langkah '
                       '"%(step)s" kini dikerjakan peran %(role)s dan dilepas dari Anda.',
                       who=params["by"], case=case, version=params["moved"],
                       step=params["step"], role=params["lane"])
    if item.kind == "penugasan" and "done_by" in params:
        return gettext('Langkah "%(step)s" pada %(case)s yang Anda ambil diselesaikan oleh '
                       "%(who)s sebagai %(capacity)s.", step=params["step"], case=case,
                       who=params["done_by"], capacity=params["done_as"])
    if item.kind == "penugasan" and "to" in params:
        return one_period(gettext('%(who)s mengalihkan langkah "%(step)s" pada %(case)s dari '
                                  "Anda kepada %(to)s.", who=params["by"], step=params["step"],
                                  case=case, to=params["to"]))
    if item.kind == "penugasan":
        return gettext('%(who)s mengalihkan langkah "%(step)s" pada %(case)s kepada Anda.',
                       who=params["by"], step=params["step"], case=case)
    if item.kind == "tugas_baru":
        return gettext('Langkah "%(step)s" pada %(case)s masuk Kotak Masuk Anda (peran '
                       "%(role)s).", step=params["step"], case=case, role=params["role"])
    if item.kind == "proses_selesai":
        return gettext("Proses %(case)s yang Anda mulai sudah selesai.", case=case)
    if item.kind == "proses_dibatalkan" and params.get("by"):
        return gettext("Proses %(case)s yang Anda mulai dibatalkan oleh %(who)s: %(reason)s",
                       case=case, who=params["by"], reason=params["reason"])
    if item.kind == "proses_dibatalkan":
        return gettext("Proses %(case)s yang Anda mulai dibatalkan: %(reason)s", case=case,
                       reason=params["reason"])
    if item.kind == "galat":
        return gettext("Proses %(case)s berhenti karena galat pada %(element)s: %(error)s",
                       case=case, element=params["element"] or gettext("mesin proses"),
                       error=params["error"])
    return item.message


def _unreached(params: dict, case: str) -> str:
    """An escalation that reached no one (``engine.escalation.unreached``), and what the
    administrator can do about it."""
    if params["level"] == 1:
        what = gettext('Pengingat langkah "%(step)s" pada %(case)s', step=params["step"],
                       case=case)
    else:
        what = gettext('Eskalasi tingkat %(level)s untuk %(role)s tentang langkah "%(step)s" '
                       "pada %(case)s", level=params["level"], role=params["role"],
                       step=params["step"], case=case)
    if params.get("who") and params.get("who_as") != params["role"]:
        return gettext("%(what)s tidak sampai kepada siapa pun: %(who)s, yang mengerjakan "
                       "langkah itu, sendiri yang bertindak sebagai %(role)s (%(capacity)s), dan "
                       "ia tidak diberi tahu sebagai atasannya sendiri. Eskalasi naik ke tingkat "
                       "berikutnya bila ada; bila perlu, beri tahu pejabat %(role)s yang "
                       "digantikannya, atau akhiri Plh/Plt itu di halaman Plh/Plt.", what=what,
                       who=params["who"], role=params["role"], capacity=params["who_as"])
    if params.get("who"):
        return gettext("%(what)s tidak sampai kepada siapa pun: %(who)s, yang mengerjakan "
                       "langkah itu, sendiri yang memegang peran %(role)s, dan ia tidak diberi "
                       "tahu sebagai atasannya sendiri. Eskalasi naik ke tingkat berikutnya bila "
                       "ada; bila perlu, beri peran %(role)s kepada akun lain.", what=what,
                       who=params["who"], role=params["role"])
    if params.get("alone"):  # kept before the notice named him
        return gettext("%(what)s tidak sampai kepada siapa pun: hanya pemegang langkah itu "
                       "sendiri yang bertindak sebagai %(role)s (memegang peran itu atau "
                       "menjadi Plh/Plt-nya), dan ia tidak diberi tahu sebagai atasannya "
                       "sendiri. Eskalasi naik ke tingkat berikutnya bila ada; bila perlu, beri "
                       "peran itu kepada akun lain.", what=what, role=params["role"])
    return gettext("%(what)s tidak sampai kepada siapa pun: tidak ada akun aktif yang memegang "
                   "peran %(role)s atau menjadi Plh/Plt-nya. Catat Plt di halaman Plh/Plt, atau "
                   "beri peran itu kepada akun aktif.", what=what, role=params["role"])


def _ticket(kind: str, params: dict) -> str:
    if kind == "tiket_diterima":
        return gettext("Tiket %(number)s diterima: %(title)s", number=params["number"],
                       title=params["title"])
    if kind == "tiket_pesan":
        return gettext("Tiket %(number)s: pesan baru dari petugas — %(text)s",
                       number=params["number"], text=_said(params))
    if kind == "tiket_jawaban":
        return gettext("Tiket %(number)s: pemohon menjawab — %(text)s",
                       number=params["number"], text=_said(params))
    if kind == "tiket_menunggu":
        return gettext("Tiket %(number)s: petugas menunggu jawaban Anda — %(text)s",
                       number=params["number"], text=_said(params))
    if kind == "tiket_nilai_rendah" and "on_behalf" in params:
        return gettext("Tiket %(number)s dinilai %(score)s dari 5 oleh pemohonnya, "
                       "%(requester)s (atas nama %(on_behalf)s): %(title)s. %(comment)s",
                       number=params["number"], score=params["score"],
                       requester=params["requester"], on_behalf=params["on_behalf"],
                       title=params["title"], comment=params["comment"]).strip()
    if kind == "tiket_nilai_rendah" and "requester" in params:
        return gettext("Tiket %(number)s dinilai %(score)s dari 5 oleh pemohonnya, "
                       "%(requester)s: %(title)s. %(comment)s", number=params["number"],
                       score=params["score"], requester=params["requester"],
                       title=params["title"], comment=params["comment"]).strip()
    if kind == "tiket_nilai_rendah":  # noticed before the requester was named
        return gettext("Tiket %(number)s dinilai %(score)s dari 5 oleh pemohonnya: %(title)s. "
                       "%(comment)s", number=params["number"], score=params["score"],
                       title=params["title"], comment=params["comment"]).strip()
    if kind == "tiket_dibatalkan":
        return gettext("Tiket %(number)s dibatalkan oleh petugas: %(title)s. Alasan: "
                       "%(reason)s", number=params["number"], title=params["title"],
                       reason=params["reason"])
    return gettext("Tiket %(number)s selesai: %(title)s. Beri penilaian di halaman tiket.",
                   number=params["number"], title=params["title"])


def _said(params: dict) -> str:
    """A ticket message's text, the file sent with it ("Sudah saya isi (berkas isi.pdf)"),
    or the file sent alone ("berkas foto.jpg")."""
    if not params.get("file"):
        return params["text"]
    if params["text"]:
        return gettext("%(text)s (berkas %(name)s)", text=params["text"], name=params["file"])
    return gettext("berkas %(name)s", name=params["file"])


def _case(params: dict) -> str:
    if params.get("number"):
        return gettext('%(number)s "%(title)s" (%(process)s)', number=params["number"],
                       title=params["title"], process=params["process"])
    return gettext('"%(title)s" (%(process)s)', title=params["title"],
                   process=params["process"])


def step_state(item: NotificationItem) -> str:
    """The step now, its deadline calendar-first: ``Dipegang Demo Prakom · hari ini 09.00 ·
    terlambat 2 jam kerja``, ``Belum diambil (peran Prakom) · besok 07.40 · sisa 10 menit
    kerja``, ``Sudah diselesaikan oleh Demo Prakom · selesai, terlambat 1 jam kerja``
    (``oleh Plh. Kasubbag Demo Prakom`` for a Plh), ``Langkah dibatalkan``; empty without
    a step."""
    if item.task_state is None:
        return ""
    if item.task_state == "completed":
        # A Plh's step names him as he acted: the official back from leave sees why.
        who = gettext("Sudah diselesaikan oleh %(name)s", name=" ".join(filter(None, (
            item.completed_as, item.completed_by)))) if item.completed_by \
            else gettext("Sudah diselesaikan")
        if item.completed_at is None:
            return who
        return f"{who} · {finished_text(item.completed_at, item.due_at, item.round_the_clock)}"
    if item.task_state != "open":
        return gettext("Langkah dibatalkan")
    who = gettext("Dipegang %(name)s", name=item.holder) if item.holder else \
        gettext("Belum diambil (peran %(role)s)", role=item.task_role)
    if item.due_at is None:
        return who
    return f"{who} · {due_text(item.due_at, item.round_the_clock)}"


def link_text(item: NotificationItem) -> str:
    """What the item's link says, naming a completed step so that nobody is surprised."""
    if item.task_state == "open":
        return gettext("Buka tugas")
    if item.task_state == "completed":
        return gettext("Lihat langkah (sudah diselesaikan)")
    if item.task_state is not None:
        return gettext("Lihat langkah (dibatalkan)")
    if item.kind in TICKET_KINDS and item.instance_id:
        return gettext("Lihat tiket")
    if item.instance_id or item.human_task_id:
        return gettext("Lihat proses")
    if item.kind == "galat" and (item.params or {}).get("key"):
        return gettext("Lihat SOP-nya")
    return ""


def target(kind: str, human_task_id: int | None, instance_id: int | None,
           params: dict | None = None) -> str:
    """Where a notification's link leads: the step's page (open or done: it shows either),
    the ticket, the process, the SOP of a start that failed (its ``key``), else the
    centre."""
    if human_task_id is not None:
        return url_for("inbox.task", task_id=human_task_id)
    if instance_id is not None and kind in TICKET_KINDS:
        return url_for("desk.show", instance_id=instance_id)
    if instance_id is not None:
        return url_for("instances.show", instance_id=instance_id)
    if kind == "galat" and (params or {}).get("key"):
        return url_for("admin.sop_versions", key=params["key"])
    return url_for("notifications.index")
