"""Long choice lists computed once and given to Django as they are.

Django normalises (walks and re-checks) the plain list a choices callable returns every time
a field's choices are read. A serializer builds its fields on every request, so the 599 time
zones cost ~3 ms per ``/api/v1/users/me/`` and per teacher-directory page before any
database work (benchmarks/api/results.md). Django passes a ``BaseChoiceIterator`` through
untouched: this one holds the computed pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.choices import BaseChoiceIterator


class FixedChoices(BaseChoiceIterator):
    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = tuple(pairs)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)
