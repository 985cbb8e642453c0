"""Ids as callers send them."""

from __future__ import annotations

import pytest

from billflow.api.ids import parse_id
from billflow.api.routes.common import known_id
from billflow.domain.errors import NotFound

pytestmark = pytest.mark.unit

ID = "0b6f1c1e-5d7a-4a53-9e1b-3f2a9c8d7e6f"


def test_an_id_is_read_in_the_form_the_store_writes_it() -> None:
    assert parse_id(ID) == ID
    assert parse_id(ID.upper()) == ID
    assert parse_id(ID.replace("-", "")) == ID


@pytest.mark.parametrize("text", ["", "42", "not-an-id", ID + "0", "x" * 10_000, "\x00"])
def test_a_malformed_id_is_none_rather_than_an_error(text: str) -> None:
    assert parse_id(text) is None


def test_a_malformed_id_in_a_path_names_a_record_that_does_not_exist() -> None:
    with pytest.raises(NotFound, match="no such invoice"):
        known_id("nope", "invoice")
