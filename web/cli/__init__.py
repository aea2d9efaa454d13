"""The ``alur`` command (``commands``): setup, deploy, SOP table import, demo users and
demo history, user accounts, ``serve`` (gunicorn) and ``worker`` (the timer and outbox
loop). May import ``engine``, ``web``'s shared modules and the views' helpers.
"""
