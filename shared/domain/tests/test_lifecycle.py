"""The life-cycle tables: the one statement of which state may follow which."""

from __future__ import annotations

from enum import StrEnum

import pytest

from billflow.domain.errors import InvalidTransition
from billflow.domain.expenses.expense import EXPENSE_LIFECYCLE, READINGS, ExpenseStatus
from billflow.domain.model import INVOICE_LIFECYCLE, DeliveryState, InvoiceStatus, Lifecycle
from billflow.domain.model.delivery import DELIVERY_LIFECYCLE, RELEASE, TAKE_OVER
from billflow.domain.model.invoice import RETRY
from billflow.domain.model.lifecycle import move


class Light(StrEnum):
    RED = "red"
    GREEN = "green"
    AMBER = "amber"


def test_a_failed_invoice_can_only_be_retried_back_to_pending() -> None:
    assert INVOICE_LIFECYCLE.targets(InvoiceStatus.FAILED) == {InvoiceStatus.PENDING}
    assert RETRY.sources == {InvoiceStatus.FAILED}
    assert RETRY.target is InvoiceStatus.PENDING
    INVOICE_LIFECYCLE.check(InvoiceStatus.FAILED, InvoiceStatus.PENDING)


def test_a_sent_invoice_goes_nowhere() -> None:
    assert INVOICE_LIFECYCLE.targets(InvoiceStatus.SENT) == frozenset()
    for target in InvoiceStatus:
        assert not INVOICE_LIFECYCLE.allows(InvoiceStatus.SENT, target)


def test_the_guard_of_each_invoice_update_is_read_from_the_table() -> None:
    assert INVOICE_LIFECYCLE.allowed_sources(InvoiceStatus.RENDERED) == {InvoiceStatus.PENDING}
    assert INVOICE_LIFECYCLE.allowed_sources(InvoiceStatus.SENT) == {InvoiceStatus.RENDERED}
    assert INVOICE_LIFECYCLE.allowed_sources(InvoiceStatus.PENDING) == {InvoiceStatus.FAILED}
    assert RETRY.values() == ["failed"]


def test_a_refused_move_is_a_conflict_naming_both_states() -> None:
    with pytest.raises(InvalidTransition, match="an invoice cannot move from sent to pending"):
        INVOICE_LIFECYCLE.check(InvoiceStatus.SENT, InvoiceStatus.PENDING)


def test_an_email_is_released_or_accepted_only_from_a_claim() -> None:
    assert DELIVERY_LIFECYCLE.allowed_sources(DeliveryState.ACCEPTED) == {DeliveryState.CLAIMED}
    assert RELEASE.sources == {DeliveryState.CLAIMED}
    assert DELIVERY_LIFECYCLE.targets(DeliveryState.ACCEPTED) == frozenset()
    assert DELIVERY_LIFECYCLE.allowed_sources(DeliveryState.CLAIMED) == {
        DeliveryState.RELEASED,
        DeliveryState.CLAIMED,  # a take-over of a claim whose lease ran out
    }
    assert TAKE_OVER.sources == {DeliveryState.CLAIMED}


def test_a_new_kind_of_record_states_its_life_in_one_table() -> None:
    lights = Lifecycle(
        "a light", [move("go", Light.RED, Light.GREEN), move("slow", Light.GREEN, Light.AMBER)]
    )
    lights.check(Light.RED, Light.GREEN)
    with pytest.raises(InvalidTransition):
        lights.check(Light.RED, Light.AMBER)
    assert [t.name for t in lights.transitions] == ["go", "slow"]
    assert lights.transition("slow").target is Light.AMBER


def test_a_table_naming_one_transition_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        Lifecycle("a light", [move("go", Light.RED, Light.GREEN), move("go", Light.AMBER, Light.GREEN)])


def test_an_expense_is_read_or_failed_only_while_processing_and_corrected_only_after() -> None:
    for reading in READINGS.values():
        assert reading.sources == {ExpenseStatus.PROCESSING}
    assert set(READINGS) == {ExpenseStatus.EXTRACTED, ExpenseStatus.NEEDS_REVIEW}
    assert EXPENSE_LIFECYCLE.allowed_sources(ExpenseStatus.FAILED) == {ExpenseStatus.PROCESSING}
    assert not EXPENSE_LIFECYCLE.allows(ExpenseStatus.PROCESSING, ExpenseStatus.CONFIRMED)
    for status in set(ExpenseStatus) - {ExpenseStatus.PROCESSING}:
        EXPENSE_LIFECYCLE.check(status, ExpenseStatus.CONFIRMED)
