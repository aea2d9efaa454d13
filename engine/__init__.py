"""Alur's BPM core: deployment, process instances, human tasks, timers and escalation.

Nothing here imports Flask or ``web``. Use-case functions take a SQLAlchemy session and a
clock and never commit: the caller owns the transaction.

The modules at this level are the shared kernel every room may import: ``clock``,
``errors``, ``db`` and ``models`` (the tables), ``roles`` (lanes and the line of
supervision), ``audit`` and ``settings`` (office settings). The rooms, lowest first
(each imports only those below it; import-linter contracts in pyproject.toml):
``time``, ``bpmn``, ``sop`` | ``runtime``, ``people``, ``process``, ``escalation``,
``reports``.
"""
