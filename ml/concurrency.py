"""Bounded concurrency per engine: a fixed worker pool, a small admission queue, timeouts.

Admission counts jobs until their worker thread really finishes (not until the caller gives
up), so a timed-out job still occupies its slot and the bound holds under overload.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from ml.errors import ServiceError, unavailable
from ml.observability import ENGINE_ERRORS, ENGINE_IN_FLIGHT, ENGINE_LATENCY, ENGINE_QUEUE_DEPTH
from ml.settings import EngineLimits

T = TypeVar("T")


class EngineGate:
    def __init__(self, engine: str, limits: EngineLimits) -> None:
        self.engine = engine
        self.limits = limits
        self._executor = ThreadPoolExecutor(
            max_workers=limits.concurrency, thread_name_prefix=f"ml-{engine}"
        )
        self._lock = threading.Lock()
        self._admitted = 0
        self._running = 0

    @property
    def capacity(self) -> int:
        return self.limits.concurrency + self.limits.queue

    @property
    def has_idle_worker(self) -> bool:
        """Whether a job admitted now would start at once (nothing queued, a worker free)."""
        with self._lock:
            return self._admitted < self.limits.concurrency

    def _update_gauges(self) -> None:
        ENGINE_IN_FLIGHT.labels(self.engine).set(self._running)
        ENGINE_QUEUE_DEPTH.labels(self.engine).set(self._admitted - self._running)

    def _admit(self) -> None:
        with self._lock:
            if self._admitted >= self.capacity:
                ENGINE_ERRORS.labels(self.engine, "saturated").inc()
                raise unavailable(
                    f"The {self.engine} engine is busy; retry shortly.",
                    code="engine_saturated",
                    retry_after=max(1, int(self.limits.timeout_seconds // 10) or 1),
                )
            self._admitted += 1
            self._update_gauges()

    def _run(self, func: Callable[[], T]) -> T:
        with self._lock:
            self._running += 1
            self._update_gauges()
        started = time.perf_counter()
        try:
            return func()
        finally:
            ENGINE_LATENCY.labels(self.engine).observe(time.perf_counter() - started)
            with self._lock:
                self._running -= 1
                self._admitted -= 1
                self._update_gauges()

    async def run(self, func: Callable[[], T]) -> T:
        """Run ``func`` on this engine's pool; 503 when saturated, 504 after the timeout."""
        self._admit()
        try:
            future: Future[T] = self._executor.submit(self._run, func)
        except BaseException:
            with self._lock:
                self._admitted -= 1
                self._update_gauges()
            raise
        try:
            return await asyncio.wait_for(
                asyncio.wrap_future(future), timeout=self.limits.timeout_seconds
            )
        except TimeoutError:
            ENGINE_ERRORS.labels(self.engine, "timeout").inc()
            raise ServiceError(
                504,
                f"The {self.engine} engine did not answer within "
                f"{self.limits.timeout_seconds:g} s.",
                code="engine_timeout",
                error_type="server_error",
            ) from None
        except ServiceError:
            raise
        except Exception:
            ENGINE_ERRORS.labels(self.engine, "exception").inc()
            raise

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class AsyncLimiter:
    """The same bound for async I/O engines (the LLM proxy): a semaphore plus a queue cap."""

    def __init__(self, engine: str, limits: EngineLimits) -> None:
        self.engine = engine
        self.limits = limits
        self._semaphore = asyncio.Semaphore(limits.concurrency)
        self._admitted = 0

    def admit(self) -> None:
        if self._admitted >= self.limits.concurrency + self.limits.queue:
            ENGINE_ERRORS.labels(self.engine, "saturated").inc()
            raise unavailable(
                f"The {self.engine} engine is busy; retry shortly.",
                code="engine_saturated",
                retry_after=1,
            )
        self._admitted += 1
        ENGINE_QUEUE_DEPTH.labels(self.engine).inc()

    async def acquire(self) -> None:
        await self._semaphore.acquire()
        ENGINE_QUEUE_DEPTH.labels(self.engine).dec()
        ENGINE_IN_FLIGHT.labels(self.engine).inc()

    def release(self) -> None:
        self._semaphore.release()
        self._admitted -= 1
        ENGINE_IN_FLIGHT.labels(self.engine).dec()
