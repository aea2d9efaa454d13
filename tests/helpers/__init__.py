"""What several tests share: databases (SQLite file or PostgreSQL schema), row counts
(``rows``), the real ``alur`` command (``cli``), real servers (alur serve, SMTP, webhook),
the timers workload and the report history."""
