"""Flask extensions, bound to the app in ``create_app``."""

import sqlite3

from flask import current_app
from flask_babel import Babel, lazy_gettext
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.exc import DBAPIError

from engine.clock import Clock
from engine.db import Base


class _SQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy whose end-of-request clean-up survives a connection the database
    closed after the answer was made (a restart, ``pg_terminate_backend``): the rollback
    that fails on it is logged as a warning and the session dropped, so the answer already
    made reaches the client, not gunicorn's bare 500 page (the PostgreSQL operator probe).
    The next request gets a new session and connection."""

    def _teardown_session(self, exc: BaseException | None) -> None:
        try:
            self.session.remove()
        except (DBAPIError, sqlite3.Error) as error:
            current_app.logger.warning("the database connection was lost after the answer: "
                                       "%s", type(getattr(error, "orig", error)).__name__)
            self.session.registry.clear()


db = _SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Silakan masuk terlebih dahulu.")
# Flask-Login flashes the message through this: a plain str, in the language of the request.
login_manager.localize_callback = str
login_manager.login_message_category = "info"


def clock() -> Clock:
    """The app's clock (``ALUR_CLOCK``): the system clock, or a test's manual clock."""
    return current_app.config["ALUR_CLOCK"]
