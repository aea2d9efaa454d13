"""Flask extensions, bound to the app in ``create_app``."""

from flask import current_app
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from engine.clock import Clock
from engine.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Silakan masuk terlebih dahulu."
login_manager.login_message_category = "info"


def clock() -> Clock:
    """The app's clock (``ALUR_CLOCK``): the system clock, or a test's manual clock."""
    return current_app.config["ALUR_CLOCK"]
