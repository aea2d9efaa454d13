"""Plh/Plt: an administrator, or the official, records who stands in for whom; a Plt is
extended once; the official, the substitute's superior or an administrator ends one early
("Akhiri lebih awal"). The rules are ``engine.people.substitution``'s."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from engine.errors import InvalidTaskData
from engine.models import Substitution, User
from engine.people import substitution
from web.extensions import clock, db
from web.filters import office_calendar
from web.paging import page_request

bp = Blueprint("substitutions", __name__, url_prefix="/plh")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> Any:
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            substitution.record(
                db.session, clock(), kind=request.form.get("kind", ""),
                official=_user(request.form.get("official", type=int)),
                substitute=_user(request.form.get("substitute", type=int)),
                role=request.form.get("role", ""),
                warrant_number=request.form.get("warrant_number", ""),
                starts_at=_local(request.form.get("starts_at", ""), "starts_at"),
                ends_at=_local(request.form.get("ends_at", ""), "ends_at"),
                created_by=current_user)
        except InvalidTaskData as invalid:
            db.session.rollback()
            errors = invalid.fields
        else:
            db.session.commit()
            flash(gettext("Plh/Plt dicatat."), "success")
            return redirect(url_for("substitutions.index"))
    officials = ([current_user] if not current_user.is_admin else
                 [u for u in db.session.scalars(select(User).order_by(User.full_name))
                  if u.role_names])
    # Each sees the substitutions they are part of or may end (administrators: all).
    page, per_page = page_request()
    listed = substitution.current_page(db.session, current_user, clock().now(), page, per_page)
    may_end = {s.id for s in listed.items if substitution.may_end(db.session, current_user, s)}
    return render_template(
        "substitutions/index.html", errors=errors, values=request.form, officials=officials,
        people=db.session.scalars(select(User).order_by(User.full_name)).all(),
        substitutions=listed.items, page=listed,
        plh_max_days=substitution.plh_max(db.session).days, may_end=may_end,
    ), 422 if errors else 200


def _substitution(substitution_id: int) -> Substitution:
    found = db.session.get(Substitution, substitution_id)
    if found is None:
        abort(404)
    return found


@bp.post("/<int:substitution_id>/akhiri")
@login_required
def end_early(substitution_id: int) -> Any:
    """Akhiri lebih awal: the substitution ends now."""
    substitution.end_early(db.session, clock(), _substitution(substitution_id), current_user)
    db.session.commit()
    flash(gettext("Plh/Plt diakhiri."), "success")
    return redirect(url_for("substitutions.index"))


@bp.post("/<int:substitution_id>/perpanjang")
@login_required
def extend(substitution_id: int) -> Any:
    """Extend a Plt once (by at most 3 months)."""
    substitution.extend(db.session, clock(), _substitution(substitution_id), current_user,
                        _local(request.form.get("ends_at", ""), "ends_at"))
    db.session.commit()
    flash(gettext("Plt diperpanjang."), "success")
    return redirect(url_for("substitutions.index"))


def _user(user_id: int | None) -> User:
    user = db.session.get(User, user_id or 0)
    if user is None:
        raise InvalidTaskData({"official" if user_id is None else "substitute":
                               gettext("pilih pengguna")})
    return user


def _local(value: str, field: str) -> datetime:
    """A ``datetime-local`` form value, read in the office's time zone."""
    try:
        naive = datetime.fromisoformat(value[:32])
        if naive.tzinfo is not None:
            raise ValueError
    except ValueError:
        raise InvalidTaskData({field: gettext("tanggal dan jam tidak valid")}) from None
    return naive.replace(tzinfo=ZoneInfo(office_calendar().timezone))
