"""The page request every list takes: clamped to 1..MAX_PAGE."""

from __future__ import annotations

import pytest

from billflow.domain.ports.pagination import MAX_PAGE, PageRequest

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("limit", "size"), [(0, 1), (1, 1), (50, 50), (MAX_PAGE, MAX_PAGE), (10_000, MAX_PAGE)]
)
def test_a_page_is_never_empty_nor_bigger_than_the_maximum(limit: int, size: int) -> None:
    assert PageRequest(limit).size == size
