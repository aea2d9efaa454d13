"""The tables of a user's own pages: the inbox's filters saved by name (issue 15), and
the receipts of forms sent once (``engine.process.receipts``). Imported by
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


class FormReceipt(Base):
    """One form page sent by ``user_id``: the one-time ``key`` the page carried and where
    the change it made leads (``location``: a path of this site; empty until the change
    is done, in the same transaction). The same page sent again leads there instead of
    doing it again. Kept a day (``engine.process.receipts.KEPT``).

    An API request with an ``Idempotency-Key`` is kept the same way: ``key`` is a digest
    of the client's key, ``request_hash`` the digest of the request it came with (empty
    for a form page)."""

    __tablename__ = "form_receipts"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    location: Mapped[str] = mapped_column(String(300), default="")
    request_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    created_at: Mapped[datetime]
