"""Plh/Plt: an administrator, or the official, records who stands in for whom."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from engine.errors import InvalidTaskData
from engine.models import Substitution, User
from engine.people import substitution
from web.extensions import clock, db
from web.filters import office_calendar

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
    listed = select(Substitution).where(Substitution.ends_at > clock().now())
    if not current_user.is_admin:
        listed = listed.where(or_(Substitution.official_id == current_user.id,
                                  Substitution.substitute_id == current_user.id))
    return render_template(
        "substitutions/index.html", errors=errors, values=request.form, officials=officials,
        people=db.session.scalars(select(User).order_by(User.full_name)).all(),
        substitutions=db.session.scalars(listed.order_by(Substitution.starts_at)).all(),
    ), 422 if errors else 200


def _user(user_id: int | None) -> User:
    user = db.session.get(User, user_id or 0)
    if user is None:
        raise InvalidTaskData({"official" if user_id is None else "substitute":
                               gettext("pilih pengguna")})
    return user


def _local(value: str, field: str) -> datetime:
    """A ``datetime-local`` form value, read in the office's time zone."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidTaskData({field: gettext("tanggal dan jam tidak valid")}) from None
    return naive.replace(tzinfo=ZoneInfo(office_calendar().timezone))
