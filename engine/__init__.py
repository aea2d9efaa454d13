"""Alur's BPM core: deployment, process instances, human tasks, timers and escalation.

Nothing here imports Flask or ``web``. Use-case functions take a SQLAlchemy session and a
clock and never commit: the caller owns the transaction.
"""
