"""Building a document's blocks with the cyclic garbage collector paused.

A loader allocates hundreds of thousands of small tracked objects (blocks and
their locators) and frees none, so the collections those allocations trigger
walk the growing heap again and again for nothing. Loaders create no reference
cycles, so pausing loses nothing. On resuming, one young-generation collection
moves the new objects straight to the old generation: they are walked once,
not once per generation while the next stages run.
"""

from __future__ import annotations

import gc


class gc_paused:  # lower case: it reads as a call, ``with gc_paused():``
    """Pause automatic collection for the block; leave it off if the caller had turned it off.

    A class, not a ``@contextmanager`` generator: every file enters it once or twice, and in a
    worker (collector already off) the generator's machinery was all it cost.
    """

    __slots__ = ("_enabled",)

    def __enter__(self) -> None:
        self._enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info: object) -> None:
        if self._enabled:
            gc.enable()
            gc.collect(1)


# Tracked objects a worker may gain, net, before it collects: loaders make no cycles, but PDF
# and XML libraries may, and a worker runs for thousands of files.
WORKER_COLLECT_AFTER = 100_000


def pause_in_worker() -> None:
    """Once per scanning worker process: freeze what it shares, collect only when asked.

    The modules, rules and region tables a worker starts with live as long as it does, yet
    every full collection walked them again; files are scanned and shipped a few at a time, so
    what a collection would find is the garbage of the last files, and :func:`collect_if_grown`
    looks for it between files instead of the collector's thresholds in the middle of them.
    """
    gc.disable()
    gc.freeze()


def collect_if_grown() -> None:
    """Between two files in a worker: one collection once the files since the last left many objects."""
    if gc.get_count()[0] > WORKER_COLLECT_AFTER:
        gc.collect()
