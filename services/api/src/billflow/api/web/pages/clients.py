"""Clients: the list (archived ones on request), creating, editing, archiving and restoring one."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from billflow.api.auth import requires
from billflow.api.routes.common import email_address, known_id
from billflow.api.services import Services
from billflow.api.web.forms import Form
from billflow.api.web.pages.common import actor, page, read_form, see_other
from billflow.domain.errors import InvalidInput
from billflow.domain.model import Address, Client, ElectronicAddress, Language, User
from billflow.domain.usecases.clients import NewClient
from billflow.domain.usecases.edit_organisation import Change
from billflow.domain.usecases.organisation import Organisation

LANGUAGES = (
    (Language.EN.value, "English"),
    (Language.DE.value, "Deutsch"),
    (Language.FR.value, "Français"),
    (Language.NL.value, "Nederlands"),
)


def _values(client: Client) -> dict[str, str]:
    """A stored client as the form shows it (field names are the domain's)."""
    return {
        "name": client.name,
        "email": client.email,
        "address.street": client.address.street,
        "address.city": client.address.city,
        "address.postal_code": client.address.postal_code,
        "address.country": client.address.country,
        "vat_id": client.vat_id or "",
        "currency": client.currency,
        "language": client.language.value,
        "payment_terms_days": str(client.payment_terms_days),
        "buyer_reference": client.buyer_reference or "",
        "electronic_address.scheme": client.electronic_address.scheme if client.electronic_address else "",
        "electronic_address.id": client.electronic_address.id if client.electronic_address else "",
    }


def _read(form: Form) -> dict[str, Any] | None:
    """Every field of the client as the use cases take them, or None (with the form's messages)."""
    name = form.text("name", "the client's name")
    email = form.text("email", "an email address")
    if email:
        try:
            email = email_address(email)
        except InvalidInput:
            form.errors["email"] = "Enter an email address like accounts@example.com."
    address = Address(
        street=form.text("address.street", "a street"),
        city=form.text("address.city", "a city"),
        postal_code=form.text("address.postal_code", "a postal code"),
        country=form.text("address.country", "a country code, like BE").upper(),
    )
    currency = form.text("currency", "a currency code, like EUR").upper()
    language = form.get("language") or Language.EN.value
    if language not in set(Language):
        form.errors["language"] = "Choose a language from the list."
    terms = form.whole("payment_terms_days", "30") if form.get("payment_terms_days") else 30
    scheme, endpoint_id = form.get("electronic_address.scheme"), form.get("electronic_address.id")
    if bool(scheme) != bool(endpoint_id):
        form.errors["electronic_address.id"] = "Enter both the Peppol scheme and id, or neither."
    if not form.ok:
        return None
    return {
        "name": name,
        "email": email,
        "address": address,
        "currency": currency,
        "vat_id": form.optional("vat_id"),
        "language": Language(language),
        "payment_terms_days": terms,
        "buyer_reference": form.optional("buyer_reference"),
        "electronic_address": ElectronicAddress(scheme, endpoint_id) if scheme else None,
    }


def _form_page(form: Form, client: Client | None = None, status: int = 200, saved: bool = False) -> Template:
    return page(
        "clients/form.html", status=status, form=form, client=client, languages=LANGUAGES, saved=saved
    )


@get("/clients")
async def clients(
    request: Request[User, Any, Any], services: NamedDependency[Services], archived: FromQuery[bool] = False
) -> Template:
    found = await services.clients.list(actor=actor(request), include_archived=archived)
    return page("clients/list.html", clients=found, show_archived=archived)


@get("/clients/new", guards=[requires(Organisation.WRITES)])  # a form alone: no use case to ask
async def new_client() -> Template:
    return _form_page(Form(values={"currency": "EUR", "language": "en", "payment_terms_days": "30"}))


@post("/clients")
async def add_client(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
    form = await read_form(request)
    fields = _read(form)
    if fields is not None:
        try:
            client = await services.clients.create(NewClient(actor=actor(request), **fields))
        except InvalidInput as e:
            form.reject(e, "name")
        else:
            return see_other(f"/app/clients/{client.id}?saved=1")
    return _form_page(form, status=422)


@get("/clients/{client_id:str}")
async def client(
    client_id: FromPath[str],
    request: Request[User, Any, Any],
    services: NamedDependency[Services],
    saved: FromQuery[bool] = False,
) -> Template:
    found = await services.clients.get(known_id(client_id, "client"), actor=actor(request))
    return _form_page(Form(values=_values(found)), found, saved=saved)


@post("/clients/{client_id:str}")
async def edit_client(
    client_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    user = actor(request)
    before = await services.clients.get(known_id(client_id, "client"), actor=user)
    form = await read_form(request)
    fields = _read(form)
    if fields is not None:
        try:
            await services.clients.update(Change(before.id, fields, user))
        except InvalidInput as e:
            form.reject(e, "name")
        else:
            return see_other(f"/app/clients/{before.id}?saved=1")
    return _form_page(form, before, status=422)


@post("/clients/{client_id:str}/archive")
async def archive_client(
    client_id: FromPath[str], request: Request[User, Any, Any], services: NamedDependency[Services]
) -> Response[Any]:
    """Archive (``archived=1``) or restore (``archived=0``) the client."""
    form = await read_form(request)
    archived = form.get("archived") == "1"
    await services.clients.update(
        Change(known_id(client_id, "client"), {"archived": archived}, actor(request))
    )
    return see_other("/app/clients?archived=1" if archived else "/app/clients")


HANDLERS = [clients, new_client, add_client, client, edit_client, archive_client]
