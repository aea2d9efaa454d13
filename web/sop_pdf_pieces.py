"""A row of the SOP table taller than a page, printed in pieces that each fit one: the
SOP table probe's 3,999-character Kegiatan ran past the page's foot and half of it was lost,
while the HTML document showed it whole. The first piece keeps the step's symbol and the
connector into it; the pieces after it carry the text on under its No, opening with
"(lanjutan)", without a symbol."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from engine.sop.document import SopRow

# The table's text columns, as ``SopRow`` names them.
TEXT_COLUMNS = ("kegiatan", "kelengkapan", "waktu", "output", "keterangan")
# What a piece after the first draws instead of the step's symbol.
CONTINUED = "lanjutan"


def printed_rows(rows: Iterable[SopRow], lines: Callable[[str, str], list[str]],
                 fit: int) -> Iterator[SopRow]:
    """``rows`` as printed: each row that fits ``fit`` lines in every column as it is,
    else its pieces of at most ``fit`` lines a column. ``lines(column, text)`` is the
    text as the column wraps it."""
    for row in rows:
        wrapped = {name: lines(name, getattr(row, name)) for name in TEXT_COLUMNS}
        if max(len(found) for found in wrapped.values()) <= fit:
            yield row
            continue
        size = fit - 1  # a piece after the first opens with its own line, "(lanjutan)"
        count = max(-(-len(found) // size) for found in wrapped.values())
        for index in range(count):
            first, last = index == 0, index == count - 1
            texts = {name: "\n".join(found[index * size:(index + 1) * size])
                     for name, found in wrapped.items()}
            if not first:
                texts["kegiatan"] = f"({CONTINUED})\n{texts['kegiatan']}"
            yield replace(row, **texts, symbol=row.symbol if first else CONTINUED,
                          exits=row.exits if first else (), incoming=row.incoming and first,
                          to_column=row.to_column if last else None)
