"""The Alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import inspect

from engine.clock import ManualClock
from tests.conftest import MONDAY_0800
from tests.helpers.database import on_postgres
from web import create_app
from web.extensions import db


def test_upgrade_to_head_matches_the_models(database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database,
                      "SECRET_KEY": "uji", "ALUR_CLOCK": ManualClock(MONDAY_0800)})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
            if not on_postgres():
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert "human_tasks" in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()
