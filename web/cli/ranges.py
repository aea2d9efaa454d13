"""A whole-number option's range as an Indonesian operator reads it: "1 atau lebih",
"1–64", not click's "x>=1" (``alur backup --keep 0`` said "0 di luar rentang x>=1.")."""

import click


class WholeRange(click.IntRange):
    """``click.IntRange`` (closed bounds) describing itself in words, in its refusal and in
    ``--help``."""

    def _describe_range(self) -> str:
        if self.min is None:
            return f"paling besar {self.max}"
        if self.max is None:
            return f"{self.min} atau lebih"
        return f"{self.min}–{self.max}"
