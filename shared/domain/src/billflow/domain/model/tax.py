"""VAT categories (EN 16931, UNCL 5305 subset) and the rules each one sets on a project's rate and
exemption reason.

Business rules (EN 16931 BR-S/Z/E/AE/IC/G/O):
- ``S`` (standard) has a rate above zero (S at 0 % is zero rated: ``Z``, see ``normalised``);
  every other category has a rate of zero.
- An exemption reason is required for ``E``, ``AE``, ``K``, ``G`` and ``O`` and refused for ``S``
  and ``Z``; the VATEX code (``exemption_code``) is optional, and refused where the reason is.
- ``AE`` (reverse charge) and ``K`` (intra-community supply) need the buyer's VAT id.
- ``O`` (outside the scope of VAT) cannot share an invoice with any other category, and such an
  invoice names no VAT id of seller or buyer.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from billflow.domain.errors import InvalidInput


class TaxCategory(StrEnum):
    STANDARD = "S"
    ZERO_RATED = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_COMMUNITY = "K"
    EXPORT = "G"
    OUTSIDE_SCOPE = "O"

    @property
    def needs_reason(self) -> bool:
        return self not in (TaxCategory.STANDARD, TaxCategory.ZERO_RATED)

    @property
    def needs_buyer_vat_id(self) -> bool:
        return self in (TaxCategory.REVERSE_CHARGE, TaxCategory.INTRA_COMMUNITY)


def default_category(rate: Decimal) -> TaxCategory:
    """What a project without an explicit category means: standard when it charges VAT."""
    return TaxCategory.STANDARD if rate > 0 else TaxCategory.ZERO_RATED


def normalised(category: TaxCategory, rate: Decimal) -> TaxCategory:
    """S at a rate of 0 is what EN 16931 calls zero rated (Z): projects made before categories
    existed, and those given only a rate of 0, are Z."""
    return TaxCategory.ZERO_RATED if category is TaxCategory.STANDARD and rate == 0 else category


def check_tax_category(
    category: TaxCategory, rate: Decimal, exemption_reason: str | None, exemption_code: str | None
) -> None:
    """Raise InvalidInput naming the field when a project's category, rate and exemption disagree."""
    if category is TaxCategory.STANDARD and rate <= 0:
        raise InvalidInput("the standard category (S) needs a tax rate above zero", field="tax_rate")
    if category is not TaxCategory.STANDARD and rate != 0:
        raise InvalidInput(f"tax category {category.value} has a tax rate of 0", field="tax_rate")
    reason = (exemption_reason or "").strip()
    if category.needs_reason and not reason:
        raise InvalidInput(
            f"tax category {category.value} needs an exemption reason", field="exemption_reason"
        )
    if not category.needs_reason and reason:
        raise InvalidInput(
            f"tax category {category.value} takes no exemption reason", field="exemption_reason"
        )
    if not category.needs_reason and exemption_code:
        raise InvalidInput(f"tax category {category.value} takes no exemption code", field="exemption_code")
    if exemption_code is not None and not exemption_code.upper().startswith("VATEX-"):
        raise InvalidInput("an exemption code is a VATEX code, e.g. VATEX-EU-AE", field="exemption_code")


def check_invoice_categories(categories: set[TaxCategory], buyer_vat_id: str | None) -> None:
    """Raise InvalidInput when an invoice's categories cannot be issued to this buyer."""
    if TaxCategory.OUTSIDE_SCOPE in categories and len(categories) > 1:
        raise InvalidInput(
            "an invoice cannot mix tax category O (outside the scope of VAT) with another category",
            field="tax_category",
        )
    needing = sorted(c.value for c in categories if c.needs_buyer_vat_id)
    if needing and not buyer_vat_id:
        raise InvalidInput(f"tax category {', '.join(needing)} needs the client's VAT id", field="vat_id")
