"""The inbox's own table: filters a user saved by name (issue 15). Imported by
``engine.models``."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base


class SavedFilter(Base):
    """A Kotak Masuk filter saved by one user under a name (at most
    ``engine.process.saved_filters.MAX_PER_USER`` each). ``query`` holds the page's
    parameters: ``{"tampil", "status", "sop", "cari", "urut"}``, each optional."""

    __tablename__ = "saved_filters"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    query: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
