"""The steps a Plh/Plt completed in the official's place (``engine.people.substitution_work``):
a page per substitution, and the official's Kotak Masuk banner for a week after it ends."""

from typing import Any

from flask import abort, render_template
from flask_login import current_user, login_required

from engine.models import Substitution
from engine.people import substitution, substitution_work
from web.extensions import clock, db
from web.paging import page_request
from web.views.substitutions import bp

# Characters of a step's Catatan shown in the list (the step's page has it whole).
NOTE_SHOWN = 300


@bp.get("/<int:substitution_id>/langkah")
@login_required
def steps_done(substitution_id: int) -> Any:
    """The steps the substitute completed as Plh/Plt, in the order completed, a page at a
    time; for whoever may see the substitution in the Plh/Plt list (its official, its
    substitute, who may end it, administrators and auditors), else 403."""
    found = db.session.get(Substitution, substitution_id)
    if found is None:
        abort(404)
    if not (current_user.is_auditor or substitution.may_see(db.session, current_user, found)):
        abort(403)
    done = substitution_work.steps_done(db.session, found, *page_request())
    return render_template("substitutions/work.html", s=found, steps=done.items, page=done,
                           over=found.ends_at <= clock().now(), note_shown=NOTE_SHOWN)


@bp.app_template_global()
def returned_to() -> list[tuple[Substitution, int]]:
    """For the official's Kotak Masuk: his substitutions that ended in the last week in
    which the substitute completed steps in his place, with how many."""
    if not current_user.is_authenticated:
        return []
    return substitution_work.returned_to(db.session, current_user, clock().now())
