"""A moment on the office's wall clock in Indonesian words, for what the engine writes
itself (e-mails): ``23 Nov 2026 09.00 WIB``, the form the pages' ``waktu`` filter gives."""

from datetime import datetime
from zoneinfo import ZoneInfo

from engine.time.periods import MONTH_NAMES

# The zone as an Indonesian reader names it (Permendagri: WIB, WITA, WIT).
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
              "Asia/Jayapura": "WIT"}


def wall_clock_text(moment: datetime, timezone: str) -> str:
    """``moment`` (aware) in ``timezone`` (IANA name): ``23 Nov 2026 09.00 WIB``; the
    month by its first three letters, the hour with a dot (PUEBI), the zone by its
    Indonesian name (or its IANA name when it has none)."""
    local = moment.astimezone(ZoneInfo(timezone))
    return (f"{local.day} {MONTH_NAMES[local.month - 1][:3]} {local.year} "
            f"{local.hour:02d}.{local.minute:02d} {ZONE_NAMES.get(timezone, timezone)}")
