"""Worker processes that parse files for a scan, and end with it.

:func:`worker_pool` starts them (forked on Linux, so they start at once with the modules already
imported); each ends as soon as the run that started it is gone, so that no worker outlives its
run nor keeps the files it inherited (the cache lock) open.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """Processes that parse files.

    On Linux they are forked from this process: they start at once with its modules (and no
    more: the command line imports matplotlib only after the scan), and the calling script is
    not imported again. Elsewhere the platform's default applies (spawn on macOS and Windows,
    where scripts need the usual ``if __name__ == "__main__":`` guard).
    """
    linux = sys.platform.startswith("linux")
    context = multiprocessing.get_context("fork" if linux else None)
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_end_with, initargs=(os.getpid(),)
    )


def _end_with(parent: int) -> None:
    """In a worker process: end it as soon as ``parent`` is gone (killed, say), so that no
    worker outlives its run, nor keeps the files it inherited (the cache lock) open.

    Ctrl-C is left to the parent, which stops handing out files; a worker interrupted in the
    middle of one would only make the pool fail.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="loadwatch-parent-watch", daemon=True).start()
