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
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause automatic collection for the block; leave it off if the caller had turned it off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect(1)
