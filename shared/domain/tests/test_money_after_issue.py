"""The rules of an invoice's life after it is issued: credit notes' amounts, payment status and
balance, reminder levels, aging buckets, number formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billflow.domain import crediting, receivables
from billflow.domain.errors import InvalidInput
from billflow.domain.model import (
    PAYMENT_LIFECYCLE,
    BilledTo,
    CreditNote,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Issuer,
    PaymentStatus,
    Receivable,
    TaxRow,
    derive_payment_status,
)
from billflow.domain.numbering import NumberFormat, UnsafeNumberFormat

D = Decimal


def invoice(taxes: tuple[TaxRow, ...], currency: str = "EUR") -> Invoice:
    subtotal = sum((t.base for t in taxes), D(0))
    tax = sum((t.amount for t in taxes), D(0))
    return Invoice(
        id="inv-1",
        number="INV-2026-000001",
        status=InvoiceStatus.SENT,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 3, 3),
        currency=currency,
        lines=(),
        subtotal=subtotal,
        tax_rate=None,
        tax=tax,
        total=subtotal + tax,
        issuer=Issuer("Acme", "1 Street", "BE1"),
        billed_to=BilledTo("Client", "client@example.com"),
        kind=InvoiceKind.CLIENT,
        taxes=taxes,
    )


def note(credit: crediting.Credit) -> CreditNote:
    inv = invoice(())
    return CreditNote(
        id="cn",
        number="CN-2026-000001",
        status=InvoiceStatus.PENDING,
        invoice_id=inv.id,
        invoice_number=inv.number,
        invoice_issue_date=inv.issue_date,
        invoice_kind=inv.kind,
        reason="r",
        issue_date=date(2026, 2, 5),
        currency="EUR",
        subtotal=credit.subtotal,
        taxes=credit.taxes,
        tax=credit.tax,
        total=credit.total,
        full=credit.full,
        issuer=inv.issuer,
        billed_to=inv.billed_to,
    )


TWO_RATES = (TaxRow(D(6), D("300.00"), D("18.00")), TaxRow(D(21), D("700.00"), D("147.00")))


def test_a_credit_note_without_an_amount_credits_the_invoice_exactly() -> None:
    inv = invoice(TWO_RATES)
    c = crediting.credit(inv, [], None)
    assert c.full
    assert c.total == inv.total
    assert c.taxes == TWO_RATES


def test_a_partial_credit_is_split_over_the_rates_in_proportion_to_their_bases() -> None:
    c = crediting.credit(invoice(TWO_RATES), [], D("100.00"))
    assert not c.full
    assert c.taxes == (TaxRow(D(6), D("30.00"), D("1.80")), TaxRow(D(21), D("70.00"), D("14.70")))
    assert (c.subtotal, c.tax, c.total) == (D("100.00"), D("16.50"), D("116.50"))


def test_each_part_is_rounded_half_up_and_the_parts_add_up_to_the_amount() -> None:
    thirds = tuple(TaxRow(D(r), D("100.00"), D(r)) for r in (1, 2, 3))
    c = crediting.credit(invoice(thirds), [], D("0.05"))
    assert [t.base for t in c.taxes] == [D("0.02"), D("0.02"), D("0.01")] or sum(
        t.base for t in c.taxes
    ) == D("0.05")
    assert c.subtotal == D("0.05")


@given(st.integers(min_value=1, max_value=99_999))
def test_partial_credits_never_exceed_and_the_rest_closes_the_invoice(cents: int) -> None:
    inv = invoice(TWO_RATES)
    first = crediting.credit(inv, [], D(cents) / 100)
    assert first.subtotal == D(cents) / 100
    rest = crediting.credit(inv, [note(first)], None)
    assert rest.full
    assert first.total + rest.total == inv.total


def test_crediting_more_than_is_left_is_refused_naming_the_amount() -> None:
    inv = invoice(TWO_RATES)
    first = note(crediting.credit(inv, [], D("900.00")))
    with pytest.raises(InvalidInput) as e:
        crediting.credit(inv, [first], D("100.01"))
    assert e.value.field == "amount"
    assert crediting.credit(inv, [first], D("100.00")).full
    with pytest.raises(InvalidInput):
        crediting.credit(inv, [first, note(crediting.credit(inv, [first], None))], None)


@pytest.mark.parametrize("amount", [D(0), D(-1), D("0.001"), D("1e40"), D("NaN"), D("Infinity")])
def test_a_credit_amount_is_positive_and_in_the_currency_s_minor_unit(amount: Decimal) -> None:
    with pytest.raises(InvalidInput):
        crediting.credit(invoice(TWO_RATES), [], amount)


@pytest.mark.parametrize(
    ("total", "credited", "paid", "status"),
    [
        ("100", "0", "0", PaymentStatus.UNPAID),
        ("100", "0", "40", PaymentStatus.PARTIALLY_PAID),
        ("100", "0", "100", PaymentStatus.PAID),
        ("100", "30", "70", PaymentStatus.PAID),
        ("100", "30", "0", PaymentStatus.UNPAID),
        ("100", "100", "0", PaymentStatus.CREDITED),
    ],
)
def test_payment_status_is_derived_from_total_credits_and_payments(
    total: str, credited: str, paid: str, status: PaymentStatus
) -> None:
    assert derive_payment_status(D(total), D(credited), D(paid)) is status


def test_credited_in_full_is_final() -> None:
    assert PAYMENT_LIFECYCLE.targets(PaymentStatus.CREDITED) == frozenset()
    assert PAYMENT_LIFECYCLE.allows(PaymentStatus.PAID, PaymentStatus.UNPAID)


def test_balance_due_and_overdue() -> None:
    from dataclasses import replace

    inv = replace(invoice(TWO_RATES), amount_paid=D("100"), amount_credited=D("65"))
    assert inv.balance_due == D("1000.00")
    assert inv.overdue(date(2026, 3, 4))
    assert not inv.overdue(date(2026, 3, 3))
    assert not replace(inv, amount_paid=D("1100")).overdue(date(2026, 5, 1))


def test_reminder_levels_are_the_days_reached_and_not_sent() -> None:
    due = date(2026, 3, 1)
    assert receivables.levels_due(due, date(2026, 3, 7), (7, 21, 45)) == []
    assert receivables.levels_due(due, date(2026, 3, 8), (7, 21, 45)) == [7]
    assert receivables.levels_due(due, date(2026, 4, 15), (7, 21, 45)) == [7, 21, 45]
    assert receivables.levels_due(due, date(2026, 4, 15), (7, 21, 45), sent=[7, 21]) == [45]


@pytest.mark.parametrize("text", ["", "7,3", "0,7", "7,x", "7,7"])
def test_reminder_days_are_positive_and_increasing(text: str) -> None:
    with pytest.raises(InvalidInput):
        receivables.parse_reminder_days(text)


def test_aging_buckets_sum_the_balances_per_currency_and_party() -> None:
    day = date(2026, 6, 30)

    def r(n: str, who: str, due: date, total: str, paid: str = "0", cur: str = "EUR") -> Receivable:
        return Receivable(
            n, n, who, cur, D(total), D(0), D(paid), date(2026, 1, 1), due, PaymentStatus.UNPAID
        )

    rows = receivables.aging(
        [
            r("a", "Beta", date(2026, 7, 1), "10"),
            r("b", "Beta", date(2026, 6, 29), "20", paid="5"),
            r("c", "Beta", date(2026, 5, 1), "30"),
            r("d", "Alpha", date(2026, 3, 1), "40"),
            r("e", "Alpha", date(2026, 3, 1), "40", paid="40"),
            r("f", "Alpha", date(2026, 3, 1), "7", cur="USD"),
        ],
        day,
    )
    assert [(x.currency, x.billed_to) for x in rows] == [("EUR", "Alpha"), ("EUR", "Beta"), ("USD", "Alpha")]
    assert rows[0].buckets["90+"] == D(40)
    assert rows[0].total == D(40)
    assert rows[1].buckets == {"current": D(10), "1-30": D(15), "31-60": D(30), "61-90": D(0), "90+": D(0)}
    assert rows[1].total == D(55)


@pytest.mark.parametrize(
    "template",
    ["INV-{seq:06d}", "INV-{year}", "{year}-{seq:.0}", "{year}-{seq:03d}-{other}", "{year!r}{seq}", "{year"],
)
def test_a_number_format_that_could_repeat_a_number_is_refused(template: str) -> None:
    with pytest.raises(UnsafeNumberFormat):
        NumberFormat.parse(template)


@pytest.mark.parametrize("template", ["INV-{year}-{seq:06d}", "CN/{seq:05d}/{year}", "{year}.{seq}"])
def test_number_formats_that_print_each_number_once_are_accepted(template: str) -> None:
    assert NumberFormat.parse(template).format(2026, 7)
