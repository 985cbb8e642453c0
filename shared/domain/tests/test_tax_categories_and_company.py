"""EN 16931's VAT categories as Billflow applies them (a project's category, rate and exemption;
what an invoice may mix; taxes and credits per category and rate) and the company record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billflow.domain import crediting
from billflow.domain.client_billing import BillableHours, RatedProject, compute_client_totals
from billflow.domain.errors import Forbidden, InvalidInput
from billflow.domain.model import (
    Address,
    BilledTo,
    Company,
    Contact,
    CreditNote,
    FieldChange,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Issuer,
    Role,
    TaxCategory,
    TaxRow,
    User,
    check_company,
)
from billflow.domain.model.tax import check_invoice_categories, check_tax_category, normalised
from billflow.domain.usecases.company import CompanyRecord
from domain_fakes import FakeUnitOfWorkFactory

pytestmark = pytest.mark.unit

D = Decimal
C = TaxCategory
ADMIN = User("u-admin", "admin@example.com", Role.ADMIN)
ACCOUNTANT = User("u-acc", "acc@example.com", Role.ACCOUNTANT)
COMPANY = Company(
    name="Demo BV",
    address=Address("Rue de la Loi 16", "Brussels", "1000", "BE"),
    vat_id="BE0123456749",
    contact=Contact("Ada", "+32 2 555 01 00", "billing@example.com"),
    iban="BE68539007547034",
)


@pytest.mark.parametrize(
    ("category", "rate", "reason", "code", "field"),
    [
        (C.STANDARD, "0", None, None, "tax_rate"),
        (C.ZERO_RATED, "21", None, None, "tax_rate"),
        (C.EXEMPT, "6", "Exempt", None, "tax_rate"),
        (C.EXEMPT, "0", None, None, "exemption_reason"),
        (C.REVERSE_CHARGE, "0", "  ", None, "exemption_reason"),
        (C.EXPORT, "0", None, "VATEX-EU-G", "exemption_reason"),
        (C.OUTSIDE_SCOPE, "0", None, None, "exemption_reason"),
        (C.STANDARD, "21", "Why", None, "exemption_reason"),
        (C.ZERO_RATED, "0", None, "VATEX-EU-Z", "exemption_code"),
        (C.EXEMPT, "0", "Exempt", "EU-132", "exemption_code"),
    ],
)
def test_a_category_its_rate_and_exemption_must_agree(
    category: TaxCategory, rate: str, reason: str | None, code: str | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_tax_category(category, D(rate), reason, code)
    assert refused.value.field == field


def test_each_category_accepts_what_en_16931_asks_of_it() -> None:
    check_tax_category(C.STANDARD, D(21), None, None)
    check_tax_category(C.ZERO_RATED, D(0), None, None)
    for category in (C.EXEMPT, C.REVERSE_CHARGE, C.INTRA_COMMUNITY, C.EXPORT, C.OUTSIDE_SCOPE):
        check_tax_category(category, D(0), "Reason", "VATEX-EU-X")
    assert normalised(C.STANDARD, D(0)) is C.ZERO_RATED
    assert normalised(C.STANDARD, D(6)) is C.STANDARD


def test_outside_the_scope_never_shares_an_invoice_and_reverse_charge_needs_the_buyers_vat_id() -> None:
    with pytest.raises(InvalidInput) as mixed:
        check_invoice_categories({C.OUTSIDE_SCOPE, C.STANDARD}, "DE123456789")
    assert mixed.value.field == "tax_category"
    for category in (C.REVERSE_CHARGE, C.INTRA_COMMUNITY):
        with pytest.raises(InvalidInput) as no_vat_id:
            check_invoice_categories({category}, None)
        assert no_vat_id.value.field == "vat_id"
        check_invoice_categories({category, C.STANDARD}, "DE123456789")
    check_invoice_categories({C.OUTSIDE_SCOPE}, None)


def test_taxes_are_one_row_per_category_and_rate_with_the_exemption_of_their_project() -> None:
    projects = {
        "s": RatedProject("s", "Standard", D(100), D(21)),
        "e": RatedProject("e", "Exempt", D(100), D(0), C.EXEMPT, "Exempt: education", "VATEX-EU-132-1I"),
        "z": RatedProject("z", "Zero", D(100), D(0), C.ZERO_RATED),
    }
    day = date(2026, 11, 2)
    billable = [BillableHours(p, "e1", D(2), day, day) for p in ("s", "e", "z")]
    totals = compute_client_totals(billable, projects, {}, {"e1": "Ada"}, "EUR")
    assert [(t.category, t.rate, t.base, t.amount) for t in totals.taxes] == [
        (C.STANDARD, D(21), D("200.00"), D("42.00")),
        (C.ZERO_RATED, D(0), D("200.00"), D("0.00")),
        (C.EXEMPT, D(0), D("200.00"), D("0.00")),
    ]
    assert (totals.taxes[2].exemption_reason, totals.taxes[2].exemption_code) == (
        "Exempt: education",
        "VATEX-EU-132-1I",
    )
    assert {line.tax_category for line in totals.lines} == {C.STANDARD, C.EXEMPT, C.ZERO_RATED}


def _invoice(taxes: tuple[TaxRow, ...]) -> Invoice:
    subtotal = sum((t.base for t in taxes), D(0))
    tax = sum((t.amount for t in taxes), D(0))
    return Invoice(
        id="i",
        number="INV-2026-000001",
        status=InvoiceStatus.SENT,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        issue_date=date(2026, 2, 1),
        due_date=date(2026, 3, 3),
        currency="EUR",
        lines=(),
        subtotal=subtotal,
        tax_rate=None,
        tax=tax,
        total=subtotal + tax,
        issuer=COMPANY.snapshot(),
        billed_to=BilledTo("Client", "c@example.com"),
        kind=InvoiceKind.CLIENT,
        taxes=taxes,
    )


def test_credit_is_split_and_subtracted_per_category_and_rate_even_at_the_same_rate() -> None:
    invoice = _invoice(
        (
            TaxRow(D(0), D("300.00"), D(0), C.ZERO_RATED),
            TaxRow(D(0), D("700.00"), D(0), C.EXEMPT, "Exempt"),
        )
    )
    part = crediting.credit(invoice, [], D("100.00"))
    assert [(t.category, t.base, t.exemption_reason) for t in part.taxes] == [
        (C.ZERO_RATED, D("30.00"), None),
        (C.EXEMPT, D("70.00"), "Exempt"),
    ]
    earlier = CreditNote(
        "cn", "CN-1", InvoiceStatus.SENT, "i", invoice.number, invoice.issue_date, InvoiceKind.CLIENT, "r",
        date(2026, 2, 2), "EUR", part.subtotal, part.taxes, part.tax, part.total, part.full,
        invoice.issuer, invoice.billed_to,
    )  # fmt: skip
    left = crediting.left_to_credit(invoice, [earlier])
    assert [(t.category, t.base) for t in left] == [(C.ZERO_RATED, D("270.00")), (C.EXEMPT, D("630.00"))]
    rest = crediting.credit(invoice, [earlier], None)
    assert rest.full
    assert rest.subtotal == D("900.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"vat_id": "0123456749"}, "vat_id"),
        ({"vat_id": ""}, "vat_id"),
        ({"iban": "BE68539007547035"}, "iban"),
        ({"iban": "not an iban"}, "iban"),
        ({"bic": "XX"}, "bic"),
        ({"name": " "}, "name"),
    ],
)
def test_a_company_without_a_prefixed_vat_id_or_a_valid_iban_is_refused(
    change: dict[str, str], field: str
) -> None:
    from dataclasses import replace

    with pytest.raises(InvalidInput) as refused:
        check_company(replace(COMPANY, **change))  # type: ignore[arg-type]
    assert refused.value.field == field


def test_the_snapshot_is_the_seller_as_documents_print_it() -> None:
    seller = COMPANY.snapshot()
    assert isinstance(seller, Issuer)
    assert (seller.name, seller.vat_id, seller.iban) == ("Demo BV", "BE0123456749", "BE68539007547034")
    assert seller.address == "Rue de la Loi 16\n1000 Brussels\nBE"
    assert seller.postal_address == COMPANY.address


async def test_the_company_is_seeded_once_and_only_an_admin_changes_it() -> None:
    uow = FakeUnitOfWorkFactory()
    record = CompanyRecord(uow)
    assert await record.seed(COMPANY)
    from dataclasses import replace

    assert not await record.seed(replace(COMPANY, name="Other"))
    assert (await record.get(actor=ACCOUNTANT)).name == "Demo BV"
    with pytest.raises(Forbidden):
        await record.update(replace(COMPANY, name="Mine"), actor=ACCOUNTANT)
    with pytest.raises(InvalidInput):
        await record.update(replace(COMPANY, iban="BE00"), actor=ADMIN)
    assert (await record.update(replace(COMPANY, name="Renamed"), actor=ADMIN)).name == "Renamed"
    assert (await record.get(actor=ACCOUNTANT)).name == "Renamed"


async def test_the_seeding_and_each_change_of_the_company_are_audited_nested_fields_by_name() -> None:
    from dataclasses import replace

    uow = FakeUnitOfWorkFactory()
    record = CompanyRecord(uow)
    await record.seed(COMPANY)
    moved = replace(COMPANY, name="Moved BV", address=replace(COMPANY.address, city="Gent"))
    await record.update(moved, actor=ADMIN)
    with pytest.raises(InvalidInput):
        await record.update(replace(moved, iban="BE00"), actor=ADMIN)
    seeded, changed = uow.store.audit
    assert (seeded.entity, seeded.entity_id, seeded.action, seeded.actor_id) == (
        "company",
        "company",
        "create",
        None,
    )
    assert seeded.changes["address.city"] == FieldChange(None, COMPANY.address.city)
    assert (changed.action, changed.actor_id) == ("update", ADMIN.id)
    assert changed.changes == {
        "name": FieldChange(COMPANY.name, "Moved BV"),
        "address.city": FieldChange(COMPANY.address.city, "Gent"),
    }
