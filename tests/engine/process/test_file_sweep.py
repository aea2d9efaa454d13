"""The worker's sweep of the attachments folder goes on when an upload's file moves on
while it looks (README "Batas": each round settles what crashed uploads left)."""

import os
import time

from engine.process import files


def test_a_partial_file_gone_between_listing_and_look_does_not_end_the_sweep(tmp_path,
                                                                               monkeypatch):
    gone = tmp_path / f"{'a' * 32}{files.PARTIAL}"
    stale = tmp_path / f"{'b' * 32}{files.PARTIAL}"
    for path in (gone, stale):
        path.write_bytes(b"x")
    hour_ago = time.time() - files.STALE_PARTIAL_SECONDS - 60
    os.utime(stale, (hour_ago, hour_ago))
    listing = os.scandir

    def listed_then_committed(folder):
        entries = sorted(listing(folder), key=lambda entry: entry.name)
        gone.unlink()  # its upload became pending (or was rolled back) meanwhile
        return iter(entries)

    monkeypatch.setattr(files.os, "scandir", listed_then_committed)
    assert files.sweep(None, tmp_path) == 1, "the stale one is still deleted"
    assert list(tmp_path.iterdir()) == []
