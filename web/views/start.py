"""Mulai Proses (issue 15), the parts ``instances.new`` renders with: the SOPs the user may
start, grouped and searchable, their total Waktu in words, and where a new instance leads."""

from typing import Any

from flask import render_template, url_for
from flask_babel import format_decimal, gettext, lazy_gettext, ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from engine.bpmn.forms import fields
from engine.errors import ProcessFailure
from engine.escalation.incidents import report_failed_start
from engine.models import ProcessInstance, User
from engine.process import instances, repeats
from engine.process.startable import MAX_SEARCH, TotalWaktu, describe, startable
from web.access import access
from web.engine_words import fields_in_reader_language
from web.extensions import clock, db
from web.field_values import form_defaults, form_values
from web.filters import local_time

UNGROUPED_LABEL = lazy_gettext("Lainnya")


def total_words(total: TotalWaktu) -> str:
    """``1 bulan 13 hari kerja 2 jam 30 menit``: the sum of the fixed time standards in
    working time (a working day is an office day; hours never carry into days);
    ``tanpa waktu tetap`` when no step has one."""
    hours, minutes = divmod(round(total.minutes), 60)
    parts = [ngettext("%(n)s bulan", "%(n)s bulan", _plural_count(total.months),
                      n=format_decimal(total.months)) if total.months else "",
             ngettext("%(n)s hari kerja", "%(n)s hari kerja", _plural_count(total.days),
                      n=format_decimal(total.days)) if total.days else "",
             gettext("%(n)s jam", n=hours) if hours else "",
             gettext("%(n)s menit", n=minutes) if minutes else ""]
    text = " ".join(filter(None, parts))
    if not text:
        return gettext("tanpa waktu tetap")
    if not (total.months or total.days):
        text = gettext("%(time)s kerja", time=text)
    if total.untimed:
        text = ngettext("%(time)s, ditambah %(num)d langkah tanpa waktu tetap",
                        "%(time)s, ditambah %(num)d langkah tanpa waktu tetap", total.untimed,
                        time=text)
    return text


def render_start(chosen: Any, errors: dict[str, str], values: Any, search: str,
                 status: int, *, flow_failed: bool = False) -> Any:
    """The start page: the form of ``chosen`` (an active definition the user may start),
    else the list of SOPs to choose from, filtered by ``search``; ``errors`` beside their
    fields; ``values`` what the user typed (kept on every error); ``flow_failed``: the
    SOP's flow failed, not a field (no "Periksa isian yang ditandai")."""
    groups = [] if chosen else startable(db.session, access(), search)
    return render_template(
        "instances/new.html", groups=groups, chosen=chosen,
        errors=fields_in_reader_language(errors), values=values,
        search=search[:MAX_SEARCH], ungrouped=UNGROUPED_LABEL, total_words=total_words,
        summary=describe(chosen) if chosen else None,
        declared=fields(chosen.catalog.get("start_form")) if chosen else [],
        flow_failed=flow_failed,
        count=sum(len(sops) for _, sops in groups)), status


def failed_start(failure: ProcessFailure, process_key: str, *, ticket: bool = False,
                 user: User | None = None) -> str:
    """Report a start of ``process_key`` by ``user`` (None: the logged-in one) that the
    SOP's own flow failed (nothing was stored; call it after the rollback) to the
    administrators, committed (``incidents.report_failed_start``), and return what the
    start page or the API says: the engine's account to an administrator, who can mend the
    SOP; to anyone else, that the SOP is at fault, not what he typed, and that the
    administrators were told (``ticket``: in the words of Ajukan Tiket)."""
    user = user or current_user
    report_failed_start(db.session, clock(), process_key, user, failure)
    db.session.commit()
    if user.is_admin:
        return failure.message
    if ticket:  # the requester's words: a ticket and a service, not a process and its SOP
        return gettext("Tiket belum dapat diajukan karena layanan ini sedang bermasalah, bukan "
                       "karena isian Anda; tidak ada yang disimpan. Administrator Alur sudah "
                       "diberi tahu.")
    return gettext("Proses belum dapat dimulai karena alur SOP ini bermasalah, bukan karena "
                   "isian Anda; tidak ada yang disimpan. Administrator Alur sudah diberi tahu "
                   "agar SOP-nya diperbaiki.")


def start_values(chosen: Any, asked: Any) -> MultiDict:
    """What ``chosen``'s start form opens with: its fields' defaults, under what the
    address asks (``asked``: ``request.values``, e.g. ``process_key``)."""
    form = chosen.catalog.get("start_form")
    values = form_values(fields(form), form_defaults(form))
    for name in asked:
        values.setlist(name, asked.getlist(name))
    return values


def after_start(instance: ProcessInstance) -> str:
    """Where the starter goes: his first task when the first open step is one he may do
    (and nobody else holds it), else the process page; a requester who may not see the
    process page, to his ticket (README, "Layanan TI")."""
    policy = access()
    if not policy.may_view_instance(instance):
        return url_for("desk.show", instance_id=instance.id)
    first = min(instances.open_tasks(db.session, instance), key=lambda task: task.id,
                default=None)
    if (first is not None and policy.capacity_for(first) is not None
            and first.claimed_by_id in (None, policy.user.id)):
        return url_for("inbox.task", task_id=first.id)
    return url_for("instances.show", instance_id=instance.id)


def repeat_notice(instance: ProcessInstance, *, ticket: bool = False) -> str | None:
    """The warning for a start that may repeat one sent shortly before
    (``engine.process.repeats``): the first one's number and time, and what to do; None
    when there is none. ``ticket``: in the words of the requester's pages."""
    twin = repeats.earlier_twin(db.session, instance)
    if twin is None:
        return None
    if ticket:
        return gettext("Tiket ini sama layanan dan judulnya dengan %(number)s yang Anda ajukan "
                       "%(time)s. Bila terkirim dua kali (mis. setelah tombol Kembali), "
                       "batalkan salah satunya.", number=twin.number,
                       time=local_time(twin.started_at))
    return gettext("Proses ini sama SOP dan judulnya dengan %(number)s yang Anda mulai "
                   "%(time)s. Bila terkirim dua kali (mis. setelah tombol Kembali), batalkan "
                   "salah satunya.", number=twin.number, time=local_time(twin.started_at))


def _plural_count(value: float) -> int:
    """The whole number a plural form is chosen by: ``value`` itself when whole, else 2
    (English says "1.5 working days", as it says "2")."""
    return int(value) if float(value).is_integer() else 2
