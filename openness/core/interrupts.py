"""How Ctrl-C and SIGTERM end a run: SIGTERM raised as Ctrl-C is (`ending_on_sigterm`), so
that every `finally` (temporary files, workers) runs; both held back while a temporary output
is made and recorded and while the outputs are renamed into place (`signals_held`)."""
from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every `finally` (temporary files, workers) runs."""

    signum = signal.SIGTERM


@contextlib.contextmanager
def ending_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM ends the process the way Ctrl-C does (Python's default
    ends it at once, leaving temporary files and workers behind)."""
    def _raise(signum, frame):
        raise Terminated()

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM wait (the system keeps them pending) and take
    effect when it ends."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
