"""When a step outlives its time standard: firing due timers, the escalation chain up the
line of supervision, the outbox and its delivery (SMTP, webhook) and in-app
notifications. May import ``engine.process`` and every room below it.
"""
