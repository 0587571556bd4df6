"""Thread-safe lazy loading: a model is built once per process, on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._value: T | None = None
        self._loaded = False

    @property
    def loaded(self) -> bool:
        return self._loaded

    def get(self) -> T:
        if not self._loaded:
            with self._lock:
                if not self._loaded:
                    self._value = self._factory()
                    self._loaded = True
        return self._value  # type: ignore[return-value]


class LazyMap(Generic[T]):
    """One lazily built value per key (e.g. one Whisper model per model name)."""

    def __init__(self, factory: Callable[[str], T]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._items: dict[str, Lazy[T]] = {}

    def get(self, key: str) -> T:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                item = self._items[key] = Lazy(lambda: self._factory(key))
        return item.get()

    def loaded_keys(self) -> list[str]:
        with self._lock:
            return [key for key, item in self._items.items() if item.loaded]
