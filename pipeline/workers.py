"""The processes that read photos: one task at a time each, the death of one costs one photo, none outlives us.

``concurrent.futures.ProcessPoolExecutor`` breaks as a whole when one worker is killed (the OOM killer, a
``kill -9``): every photo in flight fails and the pool refuses new work. Here each worker has its own pipe and
holds one task; when one dies, only its task fails (``WorkerDiedError``, which says by which signal) and the
next task gets a fresh worker.

Workers never outlive cardscan: on Linux the kernel kills them when the thread that started them ends
(``PR_SET_PDEATHSIG``), and a watchdog thread in each worker notices a new parent pid (elsewhere, or should
the signal be missed). Workers ignore Ctrl-C (the parent decides, and lets them finish the photo they hold)
and stop on SIGTERM.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from typing import Any

from .core.errors import UnexpectedError

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCHDOG_SECONDS = 1.0  # how often a worker checks that its parent still lives
STOP_GRACE_SECONDS = 10.0  # a worker asked to stop has this long before it is killed


class WorkerDiedError(UnexpectedError):
    """The process reading a photo ended before answering (killed, out of memory, crashed)."""


def _die_with_parent(parent_pid: int) -> None:
    """Make sure this worker ends when cardscan does, however cardscan ends (kill -9 included)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the watchdog alone
            pass
    if os.getppid() != parent_pid:  # the parent died before the line above: nobody will signal us
        os._exit(1)

    def watchdog() -> None:
        while True:
            time.sleep(WATCHDOG_SECONDS)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watchdog, name="parent-watchdog", daemon=True).start()


def _worker_main(connection: Connection, parent_pid: int) -> None:
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it stops the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        function, args, kwargs = task
        try:
            answer: tuple[bool, Any] = (True, function(*args, **kwargs))
        except BaseException as exc:  # the task's failure goes back to its caller
            answer = (False, exc)
        try:
            connection.send(answer)
        except Exception as exc:  # an answer that does not pickle
            connection.send((False, UnexpectedError.from_exception(exc)))
        del task, function, args, kwargs, answer
        _give_back_freed_memory()


def _give_back_freed_memory() -> None:
    """Return to the system the memory the task freed, which glibc's malloc would otherwise keep.

    Measured on the phone photos (neural engine): a worker holds ~540 MB between photos without it, ~350 MB
    with it (the models and lexicons), for 10 ms a photo; two workers' peaks then no longer sit on top of
    each other's leftovers.
    """
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:  # pragma: no cover - musl or another libc: nothing to trim
        return None


_LIBC = _glibc()


@dataclass
class _Worker:
    process: Any  # multiprocessing's SpawnProcess
    connection: Connection
    task: _Task | None = None


@dataclass
class _Task:
    future: Future[Any]
    function: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


class WorkerPool(Executor):
    """At most ``workers`` spawned processes, started as work comes; a dead one is replaced, its task failed."""

    def __init__(self, workers: int) -> None:
        self.max_workers = max(1, workers)
        self._context = get_context("spawn")  # not fork: the parent may run threads (progress bar, pusher)
        self._lock = threading.Lock()
        self._queue: deque[_Task] = deque()
        self._workers: list[_Worker] = []
        self._shutting_down = False
        self._wake_read, self._wake_write = os.pipe()
        # every worker is started by this thread, which lives as long as the pool: the kernel's
        # parent-death signal follows the thread that started a process, not the process
        self._manager = threading.Thread(target=self._manage, name="worker-pool", daemon=True)
        self._manager.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if self._shutting_down:
                raise RuntimeError("the pool is shut down")
            self._queue.append(_Task(future, fn, args, kwargs))
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking work; the tasks being run finish (and the queued ones too unless cancelled)."""
        with self._lock:
            self._shutting_down = True
            if cancel_futures:
                while self._queue:
                    self._queue.popleft().future.cancel()
        self._wake()
        if wait:
            self._manager.join()

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._workers]

    # ------------------------------------------------------------ the manager thread

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # closed: the manager has ended
            os.write(self._wake_write, b"x")

    def _manage(self) -> None:
        try:
            while True:
                with self._lock:
                    self._dispatch()
                    busy = [w for w in self._workers if w.task is not None]
                    if self._shutting_down and not self._queue and not busy:
                        break
                    waitables: list[Any] = [self._wake_read]
                    for worker in self._workers:
                        waitables += [worker.connection, worker.process.sentinel]
                for ready in wait(waitables):
                    if ready == self._wake_read:
                        os.read(self._wake_read, 1024)
                    else:
                        self._on_ready(ready)
        finally:
            with self._lock:
                self._shutting_down = True
                while self._queue:  # only when this thread failed: nobody would run them
                    self._queue.popleft().future.set_exception(UnexpectedError("the pool of readers stopped"))
            self._stop_workers()
            os.close(self._wake_read)
            os.close(self._wake_write)

    def _dispatch(self) -> None:
        """Give queued tasks to idle workers, starting workers up to the maximum (the lock is held)."""
        while self._queue:
            idle = next((w for w in self._workers if w.task is None), None)
            if idle is None and len(self._workers) < self.max_workers:
                try:
                    idle = self._start_worker()
                except OSError as exc:  # no process to be had (out of memory, too many processes)
                    if self._workers:
                        return  # the running ones take the queue in turn
                    self._queue.popleft().future.set_exception(UnexpectedError.from_exception(exc))
                    continue
            if idle is None:
                return
            task = self._queue.popleft()
            if not task.future.set_running_or_notify_cancel():
                continue
            try:
                idle.connection.send((task.function, task.args, task.kwargs))
            except Exception as exc:  # arguments that do not pickle, or a worker already gone
                task.future.set_exception(UnexpectedError.from_exception(exc))
                continue
            idle.task = task

    def _start_worker(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(theirs, os.getpid()), daemon=True,
                                        name="cardscan-reader")
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self._workers.append(worker)
        return worker

    def _on_ready(self, ready: Any) -> None:
        with self._lock:
            worker = next((w for w in self._workers if ready in (w.connection, w.process.sentinel)), None)
            if worker is None:
                return
            if ready is worker.connection:
                try:
                    ok, value = worker.connection.recv()
                except (EOFError, OSError):
                    self._bury(worker)
                    return
                task, worker.task = worker.task, None
                if task is not None:
                    if ok:
                        task.future.set_result(value)
                    else:
                        task.future.set_exception(value)
            else:
                self._bury(worker)

    def _bury(self, worker: _Worker) -> None:
        """A worker ended on its own: its task (if any) fails, saying how the worker ended."""
        worker.process.join(timeout=5)
        self._workers.remove(worker)
        worker.connection.close()
        if worker.task is not None:
            worker.task.future.set_exception(WorkerDiedError(_how_it_ended(worker.process.exitcode)))
            worker.task = None

    def _stop_workers(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, []
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.connection.send(None)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for worker in workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)
            worker.connection.close()
            if worker.task is not None:
                worker.task.future.set_exception(WorkerDiedError("the reading process was stopped"))


def _how_it_ended(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the reading process was killed ({name})" + (": out of memory?" if name == "SIGKILL" else "")
    return f"the reading process ended unexpectedly (exit code {exitcode})"
