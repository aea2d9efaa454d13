"""``python -m tests.bench [--quick]``: the bench's table (``tests.bench.table``)."""

from tests.bench.table import main

main()
