"""``alur serve`` and ``alur worker`` freeze the heap they start with (``gc.freeze``) before
they serve or fire, so that the garbage collector's collections skip the startup objects
(``web.cli.worker.freeze_startup_heap``)."""

import gc

import pytest

from tests.helpers.worker_cli import invoke_worker
from web.cli import serve as serving
from web.cli import worker as scheduler


@pytest.fixture
def frozen_at_start():
    """Objects frozen when serving or firing began (filled by the patched loop), with
    nothing frozen before the test and after it."""
    gc.unfreeze()
    counts: list[int] = []
    yield counts
    gc.unfreeze()


def test_serve_freezes_the_startup_heap_before_gunicorn_forks(app, monkeypatch, tmp_path,
                                                              frozen_at_start):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setattr(serving._Server, "run",
                        lambda server: frozen_at_start.append(gc.get_freeze_count()))
    serving.serve(app, "127.0.0.1:0", timer_loop=False)
    assert frozen_at_start[0] > 0


def test_the_worker_freezes_the_startup_heap_before_its_first_round(app, monkeypatch,
                                                                    frozen_at_start):
    monkeypatch.setattr(scheduler, "run",
                        lambda app, stop: frozen_at_start.append(gc.get_freeze_count()))
    result = invoke_worker(app)
    assert result.exit_code == 0, result.output
    assert frozen_at_start[0] > 0
