"""What several tests share: databases (SQLite file or PostgreSQL schema), the real
``alur`` command (``cli``), real servers (alur serve, SMTP, webhook), the timers workload
and the report history."""
