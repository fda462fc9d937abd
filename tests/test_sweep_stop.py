"""Ctrl-C and SIGTERM stop a sweep at a safe point, never in the middle of the pool's or SQLite's work."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_sweep import make_tree

from auditor.config import Config
from auditor.sweep.runner import SweepOptions, run_sweep
from auditor.sweep.stop import StopRequest, signals_request_stop


@pytest.fixture(autouse=True)
def _signals_as_in_a_terminal() -> Iterator[None]:
    """SIGINT raises and SIGTERM kills, as in a terminal: CI may start the suite with SIGINT ignored."""
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    yield
    for sig, handler in before.items():
        signal.signal(sig, handler)


def _deliver(sig: int) -> None:
    os.kill(os.getpid(), sig)
    time.sleep(0.01)  # Python runs the handler at the next bytecode; give the signal time to arrive


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_is_a_request_read_at_the_next_safe_point(sig: int) -> None:
    request = StopRequest()
    before = signal.getsignal(sig)
    with signals_request_stop(request):
        _deliver(sig)  # without the handler SIGINT raises here, wherever "here" is, and SIGTERM kills
        assert request.requested
        with pytest.raises(KeyboardInterrupt):
            request.check()
    assert signal.getsignal(sig) is before


def test_a_second_signal_stops_at_once() -> None:
    request = StopRequest()
    with signals_request_stop(request), pytest.raises(KeyboardInterrupt):
        _deliver(signal.SIGINT)
        _deliver(signal.SIGINT)


def test_a_signal_the_process_ignores_stays_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a background job started by a shell
    request = StopRequest()
    with signals_request_stop(request):
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        _deliver(signal.SIGINT)
    assert not request.requested


class _SignalAfter:
    """Progress that signals this process once ``after`` files are done."""

    wants_totals = False

    def __init__(self, after: int, sig: int) -> None:
        self.after, self.sig, self.done = after, sig, 0

    def totals(self, files: int, size: int) -> None:
        pass

    def advance(self, files: int, size: int, findings: int) -> None:
        self.done += files
        if self.done == self.after:
            _deliver(self.sig)
            assert self.done == self.after  # the signal did not raise inside this callback


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_sweep_signalled_mid_way_stops_and_is_marked_interrupted(tmp_path: Path, sig: int) -> None:
    tree = make_tree(tmp_path / "镇", per_unit=6, rows=5)
    db = tmp_path / "s.sqlite"
    progress = _SignalAfter(3, sig)
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}  # other tests may have set them
    outcome = run_sweep(SweepOptions(root=tree.root, db=db, config=Config(), jobs=1), progress)
    assert outcome.interrupted
    assert 3 <= outcome.files < tree.files
    con = sqlite3.connect(db)
    assert con.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
    con.close()
    assert {s: signal.getsignal(s) for s in before} == before
