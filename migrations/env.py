import logging
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import inspect

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# Without disable_existing_loggers=False, an in-process upgrade (alur setup, tests) would
# silence Alur's own loggers (web.telemetry) for the rest of the process.
fileConfig(config.config_file_name, disable_existing_loggers=False)
# ``alur setup`` says in one Indonesian line which revision the schema reached
# (web.cli.commands); alembic's own INFO lines stay for ``alur db upgrade``.
if context.get_x_argument(as_dictionary=True).get("quiet"):
    logging.getLogger("alembic").setLevel(logging.WARNING)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )
        with sqlite_foreign_keys_off(connection), context.begin_transaction():
            context.run_migrations()


@contextmanager
def sqlite_foreign_keys_off(connection):
    """On SQLite, foreign keys unenforced while the migrations run, checked after them.

    A batch migration rebuilds a table (copy, DROP, rename), and the DROP of a table other
    rows point at (users, with its roles) fails while they are enforced, which every
    connection of Alur's does (engine.db): an office's database could not be upgraded.
    alembic's own copy of a table that a failed run left behind is dropped first when the
    table itself is still there (it then holds nothing the table lacks). Raises
    RuntimeError naming the rows whose reference the migrations broke."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside any transaction
    try:
        tables = set(inspect(connection).get_table_names())
        for table in sorted(tables):
            if table.startswith("_alembic_tmp_") and table.removeprefix("_alembic_tmp_") in tables:
                connection.exec_driver_sql(f'DROP TABLE "{table}"')
        connection.commit()
        yield
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"migrasi merusak rujukan (foreign key): {broken[:5]}")
    finally:
        connection.rollback()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
