"""The company: the seller on every client invoice and credit note, a record the admin edits.

Business rules:
- ``vat_id`` starts with its two-letter country prefix (``EL`` for Greece) and ``iban`` is a
  plausible IBAN (country, check digits, 11-30 more letters or digits, mod-97 valid): both are
  required, as the e-invoice needs them (InvalidInput naming the field otherwise).
- Every document snapshots it as it was when issued (``snapshot``), so editing it changes only
  the documents issued afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from billflow.domain.errors import InvalidInput
from billflow.domain.model.client import Address, ElectronicAddress
from billflow.domain.model.invoice import Contact, Issuer

_VAT_ID = re.compile(r"^[A-Z]{2}[0-9A-Z+*.]{2,13}$")
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[0-9A-Z]{11,30}$")
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    address: Address
    vat_id: str
    contact: Contact
    iban: str
    tax_number: str | None = None
    bic: str | None = None
    electronic_address: ElectronicAddress | None = None

    def snapshot(self) -> Issuer:
        """The seller as documents issued now show it."""
        a = self.address
        return Issuer(
            name=self.name,
            address=f"{a.street}\n{a.postal_code} {a.city}\n{a.country}",
            tax_id=self.vat_id,
            postal_address=a,
            tax_number=self.tax_number,
            contact=self.contact,
            iban=self.iban,
            bic=self.bic,
            electronic_address=self.electronic_address,
        )


def normalise_iban(iban: str) -> str:
    return iban.replace(" ", "").upper()


def check_company(company: Company) -> None:
    """Raise InvalidInput naming the first field that the rules refuse."""
    if not company.name.strip():
        raise InvalidInput("the company needs a name", field="name")
    if not _VAT_ID.match(company.vat_id):
        raise InvalidInput("vat_id needs its two-letter country prefix, e.g. BE0123456749", field="vat_id")
    iban = normalise_iban(company.iban)
    if not _IBAN.match(iban) or not _iban_checksum_ok(iban):
        raise InvalidInput("iban is not a valid IBAN", field="iban")
    if company.bic is not None and not _BIC.match(company.bic):
        raise InvalidInput("bic is not a valid BIC (8 or 11 letters and digits)", field="bic")
    for name in ("street", "city", "postal_code"):
        if not getattr(company.address, name).strip():
            raise InvalidInput(f"the company address needs {name}", field=f"address.{name}")
    if not (company.contact.name.strip() and company.contact.email.strip()):
        raise InvalidInput("the company contact needs a name and an email", field="contact")


def _iban_checksum_ok(iban: str) -> bool:
    moved = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1
