"""The company record (the seller on every client invoice and credit note): everybody who reads
billing data sees it; an admin edits it (the use case says who may)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from billflow.api.services import Services
from billflow.api.web.forms import Form
from billflow.api.web.pages.common import actor, page, read_form, see_other
from billflow.domain.errors import InvalidInput
from billflow.domain.model import Address, Company, Contact, ElectronicAddress, User
from billflow.domain.model.company import normalise_iban

_TEXTS = ("name", "vat_id", "iban", "contact.name", "contact.email")


def _values(c: Company) -> dict[str, str]:
    e = c.electronic_address
    return {
        "name": c.name,
        "address.street": c.address.street,
        "address.city": c.address.city,
        "address.postal_code": c.address.postal_code,
        "address.country": c.address.country,
        "vat_id": c.vat_id,
        "tax_number": c.tax_number or "",
        "contact.name": c.contact.name,
        "contact.phone": c.contact.phone,
        "contact.email": c.contact.email,
        "iban": c.iban,
        "bic": c.bic or "",
        "electronic_address.scheme": e.scheme if e else "",
        "electronic_address.id": e.id if e else "",
    }


def _read(form: Form) -> Company | None:
    for name in _TEXTS:
        form.text(name, name.replace("contact.", "the contact's ").replace("_", " "))
    address = Address(
        form.text("address.street", "a street"),
        form.text("address.city", "a city"),
        form.text("address.postal_code", "a postal code"),
        form.text("address.country", "a country code, like BE").upper(),
    )
    scheme, endpoint_id = form.get("electronic_address.scheme"), form.get("electronic_address.id")
    if bool(scheme) != bool(endpoint_id):
        form.errors["electronic_address.id"] = "Enter both the scheme and the id, or neither."
    if not form.ok:
        return None
    return Company(
        name=form.get("name"),
        address=address,
        vat_id=form.get("vat_id").upper(),
        contact=Contact(form.get("contact.name"), form.get("contact.phone"), form.get("contact.email")),
        iban=normalise_iban(form.get("iban")),
        tax_number=form.optional("tax_number"),
        bic=(form.optional("bic") or "").upper() or None,
        electronic_address=ElectronicAddress(scheme, endpoint_id) if scheme else None,
    )


@get("/company/seller")
async def seller(
    request: Request[User, Any, Any], services: NamedDependency[Services], saved: FromQuery[bool] = False
) -> Template:
    company = await services.company.get(actor=actor(request))
    return page("seller.html", form=Form(values=_values(company)), saved=saved)


@post("/company/seller")
async def edit_seller(request: Request[User, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
    form = await read_form(request)
    company = _read(form)
    if company is not None:
        try:
            await services.company.update(company, actor=actor(request))
        except InvalidInput as e:
            form.reject(e, "name")
        else:
            return see_other("/app/company/seller?saved=1")
    return page("seller.html", status=422, form=form, saved=False)


HANDLERS = [seller, edit_seller]
