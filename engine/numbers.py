"""Whole numbers in the engine's Indonesian messages."""


def grouped(number: int) -> str:
    """``number`` with its thousands grouped by points, as Indonesian writes them (PUEBI):
    ``grouped(2097152) == "2.097.152"``."""
    return f"{number:,}".replace(",", ".")


def file_too_large(size: int, limit: int) -> str:
    """Why a file of ``size`` bytes is refused over ``limit`` bytes, in megabytes as the
    upload page states its limits, with the exact bytes after them: ``"Berkas terlalu
    besar: 2,01 MB (2.111.640 bita); batasnya 2 MB (2.097.152 bita)."``."""
    places = next((places for places in range(2, 7)  # as many as tell the two apart
                   if round(size / 2**20, places) != round(limit / 2**20, places)), 6)
    return (f"Berkas terlalu besar: {_megabytes(size, places)} ({grouped(size)} bita); "
            f"batasnya {_megabytes(limit, places)} ({grouped(limit)} bita).")


def _megabytes(size: int, places: int) -> str:
    """``size`` bytes in MB (2^20 bytes) with at most ``places`` decimals after a comma."""
    return f"{size / 2**20:.{places}f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"
