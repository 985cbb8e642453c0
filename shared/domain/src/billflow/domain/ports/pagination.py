"""A page of a list, with the cursor of the next one.

Every list of the API is keyset-paginated the same way: a stable order ending in a unique key,
``limit`` rows at most (``MAX_PAGE`` at most), and an opaque ``next_cursor`` naming the last row
handed out, ``None`` on the last page. A row added or removed between two pages never makes
another one appear twice or go missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_PAGE = 100
DEFAULT_PAGE = 50


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which page: at most ``limit`` rows (clamped to 1..MAX_PAGE) after ``cursor``."""

    limit: int = DEFAULT_PAGE
    cursor: str | None = None

    @property
    def size(self) -> int:
        return max(1, min(self.limit, MAX_PAGE))
