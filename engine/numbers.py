"""Whole numbers in the engine's Indonesian messages."""


def grouped(number: int) -> str:
    """``number`` with its thousands grouped by points, as Indonesian writes them (PUEBI):
    ``grouped(2097152) == "2.097.152"``."""
    return f"{number:,}".replace(",", ".")
