"""Ctrl-C and SIGTERM during a sweep: a request the loop reads at safe points, not an exception
raised wherever the signal happens to land.

Python raises KeyboardInterrupt at whatever bytecode the main thread runs next; landing inside
the process pool's own locks, it left shutdown waiting forever (one signalled sweep in 25 hung).
The loop checks the request between files and while it waits for workers, and raises
KeyboardInterrupt itself there, where stopping is clean. A second signal stops at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
POLL_SECONDS = 0.1  # how long a wait for workers runs before it looks at the request again


@dataclass(slots=True)
class StopRequest:
    requested: bool = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt  # asked twice: the user wants out now
        self.requested = True

    def check(self) -> None:
        """At a safe point: stop here if a stop was asked for."""
        if self.requested:
            raise KeyboardInterrupt


@contextmanager
def signals_request_stop(request: StopRequest) -> Iterator[StopRequest]:
    """SIGINT and SIGTERM set ``request`` while the block runs (main thread only: elsewhere Python
    delivers no signals, and installing a handler is an error).

    A signal the process was started to ignore (a background job's SIGINT) stays ignored, as
    Python itself leaves it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield request
        return
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    watched = [sig for sig, handler in previous.items() if handler is not signal.SIG_IGN]
    for sig in watched:
        signal.signal(sig, request.handle)
    try:
        yield request
    finally:
        for sig in watched:
            signal.signal(sig, previous[sig])
