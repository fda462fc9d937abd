"""Each upload is read in a child process, so a crash in a native reader costs one request, not the server.

The readers behind the loaders include compiled code (calamine for xlsx): a forged file can make
it abort the whole process, which no ``except`` catches. `auditor scan` survives that in its
worker pool; the local web page runs for hours for a whole office, so it reads every upload in a
forked child. Fork, not spawn: the child starts with the loaded rules and name tables, in a few
milliseconds. Where the platform has no fork (Windows) the work runs in this process, as before.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")


class ChildCrashed(Exception):
    """The child reading the upload died before it answered (a native abort, the memory killer)."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"child exit code {exitcode}")
        self.exitcode = exitcode


def in_child(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` in a forked child: its value, or its exception raised here.

    Raises ChildCrashed when the child dies without answering.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return function(*args, **kwargs)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_answer, args=(send, function, args, kwargs), daemon=True)
    child.start()
    send.close()  # the child holds the only writer: its death ends recv() with EOFError
    try:
        succeeded, value = receive.recv()
    except EOFError:
        child.join()
        raise ChildCrashed(child.exitcode) from None
    finally:
        receive.close()
    child.join()
    if succeeded:
        return value  # type: ignore[no-any-return]
    raise value


def _answer(send: Connection, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """In the child: the outcome, pickled back; an outcome that cannot be pickled comes back as its type's name."""
    try:
        outcome: tuple[bool, Any] = (True, function(*args, **kwargs))
    except Exception as exc:
        outcome = (False, exc)
    try:
        send.send(outcome)
    except Exception as exc:
        send.send((False, RuntimeError(f"{type(outcome[1]).__name__} ({type(exc).__name__})")))
    finally:
        send.close()
