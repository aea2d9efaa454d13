"""Flask extensions, bound to the app in ``create_app``."""

from flask import current_app
from flask_babel import Babel, lazy_gettext
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from engine.clock import Clock
from engine.db import Base

db = SQLAlchemy(model_class=Base)
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
