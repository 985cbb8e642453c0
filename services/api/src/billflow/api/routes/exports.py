"""The ledger out: the journal of a period as CSV or JSON, for an accounting package."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from billflow.api.auth import refuses_early
from billflow.api.services import Services
from billflow.domain.journal import JournalEntry, rates_in
from billflow.domain.model import User
from billflow.domain.money import at_minor_unit
from billflow.domain.usecases.journal_export import ExportJournal


class TaxOut(msgspec.Struct):
    rate: Decimal
    net: Decimal
    tax: Decimal


class JournalEntryOut(msgspec.Struct):
    date: date
    number: str
    kind: str
    party: str
    currency: str
    net: list[TaxOut]
    tax: Decimal
    gross: Decimal
    invoice_number: str
    payment_references: list[str]

    @classmethod
    def of(cls, e: JournalEntry) -> JournalEntryOut:
        c = e.currency
        return cls(
            e.date,
            e.number,
            e.kind.value,
            e.party,
            c,
            [TaxOut(t.rate, at_minor_unit(t.base, c), at_minor_unit(t.amount, c)) for t in e.taxes],
            at_minor_unit(e.tax, c),
            at_minor_unit(e.gross, c),
            e.invoice_number,
            list(e.payment_references),
        )


class JournalOut(msgspec.Struct):
    from_: date = msgspec.field(name="from")
    to: date
    entries: list[JournalEntryOut]


def wants_csv(request: Request[Any, Any, Any]) -> bool:
    return "text/csv" in request.headers.get("accept", "")


def csv_response(text: str, filename: str) -> Response[str]:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def journal_csv(entries: list[JournalEntry]) -> str:
    """One row per entry; a pair of columns (net, tax) per tax rate found in the period."""
    rates = rates_in(entries)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "date",
            "number",
            "kind",
            "party",
            "currency",
            *(f"{name} {rate.normalize():f}%" for rate in rates for name in ("net", "tax")),
            "tax",
            "gross",
            "invoice_number",
            "payment_references",
        ]
    )
    for e in entries:
        by_rate = {t.rate: t for t in e.taxes}
        cells: list[object] = []
        for rate in rates:
            t = by_rate.get(rate)
            cells += (
                [at_minor_unit(t.base, e.currency), at_minor_unit(t.amount, e.currency)] if t else ["", ""]
            )
        writer.writerow(
            [
                e.date.isoformat(),
                e.number,
                e.kind.value,
                e.party,
                e.currency,
                *cells,
                at_minor_unit(e.tax, e.currency),
                at_minor_unit(e.gross, e.currency),
                e.invoice_number,
                " ".join(e.payment_references),
            ]
        )
    return out.getvalue()


class ExportController(Controller):
    path = "/v1/exports"
    tags = ["invoices"]

    @get(
        "/journal",
        guards=[refuses_early(ExportJournal)],
        summary="The ledger journal of a period: every invoice, credit note and payment",
        description="One entry per document: date, number, kind (`invoice`, `credit_note`, `payment`), "
        "party, currency, net and tax per tax rate, tax, gross and the payment references. Amounts are "
        "signed as movements of what is owed: credit notes and payments are negative, so a party's "
        "gross sum is what the receivables report shows it owes. `Accept: text/csv` gives CSV (a net "
        "and a tax column per rate). A period spans at most a year.",
    )
    async def journal(
        self,
        request: Request[User, Any, Any],
        services: NamedDependency[Services],
        from_: Annotated[date, QueryParameter(name="from", description="First day")],
        to: Annotated[date, QueryParameter(description="Last day")],
    ) -> Response[Any]:
        entries = await services.journal.execute(from_, to, actor=request.user)
        if wants_csv(request):
            return csv_response(journal_csv(entries), f"journal-{from_.isoformat()}-{to.isoformat()}.csv")
        return Response(JournalOut(from_, to, [JournalEntryOut.of(e) for e in entries]))
