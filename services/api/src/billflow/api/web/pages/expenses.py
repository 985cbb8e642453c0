"""Expenses: a month of them (live while being read), uploading one, what was read and its
correction, the file, and the month's statement (with the admin's button to mail it)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from billflow.api.ids import parse_id
from billflow.api.routes.common import correlation_id, known_id
from billflow.api.routes.expenses import UPLOAD_BODY_LIMIT
from billflow.api.services import Services
from billflow.api.web.forms import Form, sentence
from billflow.api.web.pages.common import actor, page, see_other
from billflow.domain import access
from billflow.domain.access import Action
from billflow.domain.errors import DocumentTooLarge, InvalidInput, UnreadableDocument, UnsupportedDocument
from billflow.domain.expenses.expense import (
    MAX_INLINE_UPLOAD_BYTES,
    REVIEW_THRESHOLD,
    Expense,
    ExpenseStatus,
    totals_by_currency,
)
from billflow.domain.expenses.months import month_bounds, month_of
from billflow.domain.model import User
from billflow.domain.usecases.expense_queries import CorrectExpenseCommand
from billflow.domain.usecases.monthly_statements import RequestStatementsCommand
from billflow.domain.usecases.upload_expense import UploadExpenseCommand

FIELDS = (
    ("vendor", "Vendor"),
    ("invoice_number", "Invoice number"),
    ("invoice_date", "Date"),
    ("currency", "Currency"),
    ("tax", "Tax"),
    ("total", "Total"),
)
TOO_LARGE = "The file is larger than 4 MB; with JavaScript on, files up to 10 MB go straight to storage."


def _month(value: str | None) -> str:
    """``YYYY-MM`` as given when valid, this month (UTC) otherwise."""
    if value:
        try:
            month_bounds(value)
        except InvalidInput:
            pass
        else:
            return value
    return month_of(datetime.now(UTC))


def _neighbours(month: str) -> tuple[str, str]:
    start, end = month_bounds(month)
    return month_of(start - timedelta(days=1)), month_of(end)


def _sees_all(user: User) -> bool:
    return access.may(user, Action.READ_ALL_EXPENSES)


def _wanted_user(user: User, user_id: str | None) -> str | None:
    if not user_id or not _sees_all(user):
        return None
    return parse_id(user_id) or "-"  # no user has a malformed id: "-" matches nobody


async def _people(services: Services, user: User, expenses: Sequence[Expense]) -> dict[str, str]:
    """user id -> how the page names them (emails when the viewer may list users)."""
    names: dict[str, str] = {user.id: f"{user.email} (you)"}
    if access.may(user, Action.MANAGE_USERS):
        names.update({u.id: u.email for u in await services.users.list(user)})
        names[user.id] = f"{user.email} (you)"
    for e in expenses:
        names.setdefault(e.user_id, f"user {e.user_id[:8]}")
    return names


async def _listed(services: Services, user: User, month: str, user_id: str | None) -> Sequence[Expense]:
    if user_id == "-":
        return []
    return await services.expenses.list(actor=user, month=month, user_id=user_id)


def _processing(expenses: Sequence[Expense]) -> bool:
    return any(e.status is ExpenseStatus.PROCESSING for e in expenses)


async def _list_page(
    services: Services,
    user: User,
    month: str,
    user_id: str | None,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    wanted = _wanted_user(user, user_id)
    expenses = await _listed(services, user, month, wanted)
    everybody = await services.expenses.list(actor=user, month=month) if _sees_all(user) else expenses
    previous, following = _neighbours(month)
    return page(
        "expenses/list.html",
        status=status,
        month=month,
        previous=previous,
        next=following,
        user_id=user_id or "",
        expenses=expenses,
        people=await _people(services, user, everybody),
        sees_all=_sees_all(user),
        live=_processing(expenses),
        query=urlencode({"month": month, **({"user_id": user_id} if user_id else {})}),
        form=form or Form(),
        inline_limit=MAX_INLINE_UPLOAD_BYTES,
    )


@get("/expenses")
async def expenses(
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    month: FromQuery[str | None] = None,
    user_id: FromQuery[str | None] = None,
    error: FromQuery[str | None] = None,
) -> Template:
    form = Form()
    if error == "too-large":
        form.errors["file"] = TOO_LARGE
    return await _list_page(services, actor(request), _month(month), user_id, form, 413 if error else 200)


@get("/expenses/rows")
async def rows(
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    month: FromQuery[str | None] = None,
    user_id: FromQuery[str | None] = None,
) -> Template:
    """The table alone, polled by the list while an expense is still being read."""
    user = actor(request)
    month = _month(month)
    wanted = _wanted_user(user, user_id)
    found = await _listed(services, user, month, wanted)
    return page(
        "expenses/_rows.html",
        month=month,
        expenses=found,
        people=await _people(services, user, found),
        sees_all=_sees_all(user),
        live=_processing(found),
        query=urlencode({"month": month, **({"user_id": user_id} if user_id else {})}),
    )


@post("/expenses", request_max_body_size=UPLOAD_BODY_LIMIT)
async def upload(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
    user = actor(request)
    data = await request.form()
    note = str(data.get("note") or "")
    file = data.get("file")
    form = Form(values={"note": note})
    if not isinstance(file, UploadFile) or not file.filename:
        form.errors["file"] = "Choose a file (PDF, PNG, JPEG, WebP or HEIC)."
        return await _list_page(services, user, _month(None), None, form, 422)
    content = await file.read()
    try:
        uploaded = await services.expenses_upload.execute(
            UploadExpenseCommand(
                actor=user,
                content=content,
                filename=file.filename,
                note=note or None,
                correlation_id=correlation_id(request),
            )
        )
    except DocumentTooLarge:
        form.errors["file"] = TOO_LARGE
        status = 413
    except UnsupportedDocument:
        form.errors["file"] = "This is not a PDF, PNG, JPEG, WebP or HEIC file; upload one of those."
        status = 415
    except UnreadableDocument as e:
        form.errors["file"] = sentence(e.detail)
        status = 422
    except InvalidInput as e:
        form.errors[e.field if e.field == "note" else "file"] = sentence(e.detail)
        status = 422
    else:
        return see_other(f"/app/expenses/{uploaded.expense.id}")
    return await _list_page(services, user, _month(None), None, form, status)


def _field_rows(expense: Expense) -> list[dict[str, Any]]:
    values: dict[str, Any] = {
        "vendor": expense.vendor,
        "invoice_number": expense.invoice_number,
        "invoice_date": expense.invoice_date,
        "currency": expense.currency,
        "tax": expense.tax,
        "total": expense.total,
    }
    rows = []
    for name, label in FIELDS:
        confidence = float(expense.confidence.get(name, 0.0))
        rows.append(
            {
                "name": name,
                "label": label,
                "value": values[name],
                "confidence": confidence,
                "review": confidence < REVIEW_THRESHOLD,
            }
        )
    return rows


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _correction_form(expense: Expense) -> Form:
    values = {name: _plain(getattr(expense, name)) for name, _ in FIELDS}
    values["note"] = expense.note or ""
    return Form(values=values)


def _detail_context(expense: Expense, form: Form | None, saved: bool = False) -> dict[str, Any]:
    return {
        "expense": expense,
        "fields": _field_rows(expense),
        "read": expense.status is not ExpenseStatus.PROCESSING,
        "form": form or _correction_form(expense),
        "saved": saved,
    }


@get("/expenses/{expense_id:str}")
async def expense(
    expense_id: FromPath[str],
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    saved: FromQuery[bool] = False,
) -> Template:
    found = await services.expenses.get(known_id(expense_id, "expense"), actor=actor(request))
    return page("expenses/detail.html", **_detail_context(found, None, saved))


@get("/expenses/{expense_id:str}/reading")
async def reading(
    expense_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Template:
    """What was read, alone: polled by the expense's page until the reading is over."""
    found = await services.expenses.get(known_id(expense_id, "expense"), actor=actor(request))
    return page("expenses/_reading.html", **_detail_context(found, None))


@post("/expenses/{expense_id:str}")
async def correct(
    expense_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    user = actor(request)
    found = await services.expenses.get(known_id(expense_id, "expense"), actor=user)
    form = Form.of(await request.form())
    changes: dict[str, object] = {}
    for name in ("vendor", "invoice_number", "note"):
        changes[name] = form.get(name) or None
    currency = form.get("currency").upper()
    changes["currency"] = currency or None
    day: date | None = form.day("invoice_date") if form.get("invoice_date") else None
    changes["invoice_date"] = day
    for name in ("tax", "total"):
        changes[name] = form.decimal(name, "1,234.50") if form.get(name) else None
    if form.ok:
        try:
            await services.expenses.correct(CorrectExpenseCommand(user, found.id, changes))
        except InvalidInput as e:
            form.reject(e, "vendor")
        else:
            return see_other(f"/app/expenses/{found.id}?saved=true")
    return page("expenses/detail.html", status=422, **_detail_context(found, form))


@get("/expenses/{expense_id:str}/file")
async def file(
    expense_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Redirect:
    """To the short-lived pre-signed link (the access check comes first, inside the use case)."""
    link = await services.expenses.file_link(known_id(expense_id, "expense"), actor=actor(request))
    return Redirect(link.url)


@get("/expenses/statement")
async def statement(
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    month: FromQuery[str | None] = None,
    user_id: FromQuery[str | None] = None,
    requested: FromQuery[bool] = False,
) -> Template:
    """A month's statement: per uploader, the expenses and the totals per currency (the email's)."""
    user = actor(request)
    month = _month(month)
    wanted = _wanted_user(user, user_id)
    found = await _listed(services, user, month, wanted)
    people = await _people(services, user, found)
    groups: dict[str, list[Expense]] = {}
    for e in found:
        groups.setdefault(e.user_id, []).append(e)
    statements = [
        {"user_id": uid, "name": people[uid], "expenses": items, "totals": totals_by_currency(items)}
        for uid, items in sorted(groups.items(), key=lambda kv: people[kv[0]])
    ]
    previous, following = _neighbours(month)
    return page(
        "expenses/statement.html",
        month=month,
        previous=previous,
        next=following,
        user_id=user_id or "",
        statements=statements,
        people=people,
        sees_all=_sees_all(user),
        may_send=access.may(user, Action.SEND_STATEMENTS),
        requested=requested,
    )


@post("/expenses/statement/send")
async def send_statements(
    request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    form = Form.of(await request.form())
    month = _month(form.get("month"))
    await services.statements.execute(
        RequestStatementsCommand(actor(request), month, correlation_id(request))
    )
    shown = {"month": month, **({"user_id": form.get("user_id")} if form.get("user_id") else {})}
    return see_other(f"/app/expenses/statement?{urlencode({**shown, 'requested': 'true'})}")


HANDLERS = [expenses, rows, upload, expense, reading, correct, file, statement, send_statements]
