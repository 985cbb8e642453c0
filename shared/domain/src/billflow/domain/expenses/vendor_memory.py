"""Vendors Billflow has learnt: how a vendor's documents look, and knowing them again.

Rules:
- A document's :class:`VendorSignature` is the name the rules read, the VAT ids printed on it,
  and the distinctive words at the top of its first page (where letterheads are).
- When someone corrects an expense's vendor, the company's memory of that vendor (by its
  normalised name) takes in the signature: the name read becomes a variant, VAT ids and header
  words are added (a bounded number of each, the newest kept).
- An upload is named from memory when its signature matches a known vendor: a VAT id in common,
  the name read being a known variant, or, when the name could not be read with confidence
  (below ``SURE_NAME``), most of the header words shared *and* a word of the vendor's name among
  them (two vendors at one address share a letterhead's words, not a name). A match is trusted with
  ``REMEMBERED_CONFIDENCE``; the best match wins, a VAT id over a name over a header.
- Header words leave out the buyer's block (``Bill to``...): it is the same on every vendor's
  invoice to the company, so it says nothing about who sent it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from billflow.domain.expenses.labels import Kind, find_labels
from billflow.domain.expenses.lines import lines_from_text, lines_from_words
from billflow.domain.expenses.reading import DocumentText, Field
from billflow.domain.expenses.vendor import normalise

REMEMBERED_CONFIDENCE = 0.97
SURE_NAME = 0.7
HEADER_LINES = 10
MAX_HEADER_WORDS = 40
MAX_VARIANTS = 20
_VAT = re.compile(
    r"(?i:VAT|V\.A\.T\.|TVA|BTW|USt|MwSt|NIP|GSTIN|IVA|UID|Tax[ ]?ID|TIN)[\w. /-]{0,14}?[:#]?[ \t]*"
    r"(?P<id>(?:[A-Z]{2}[ .-]?)?\d[\dA-Z]*(?:[ .-]?(?=[\dA-Z]*\d)[\dA-Z]+)*)"
)
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_COMMON = frozenset(
    [
        "invoice",
        "invoices",
        "factura",
        "facture",
        "factuur",
        "rechnung",
        "faktura",
        "receipt",
        "tax",
        "bill",
        "billed",
        "date",
        "number",
        "page",
        "total",
        "amount",
        "due",
        "order",
        "customer",
        "client",
        "www",
        "com",
        "http",
        "https",
        "the",
        "and",
        "for",
        "from",
        "with",
        "your",
        "our",
        "this",
        "original",
        "copy",
        "duplicate",
        "vat",
        "gst",
        "phone",
        "tel",
        "fax",
        "email",
        "mail",
        "address",
    ]
)


@dataclass(frozen=True, slots=True)
class VendorSignature:
    name: str | None
    """The vendor name the field rules read, as printed."""
    name_confidence: float = 0.0
    vat_ids: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    """Distinctive words of the first page's top lines, lower case, sorted."""


@dataclass(frozen=True, slots=True)
class KnownVendor:
    name: str
    """As the people who corrected it spell it."""
    variants: tuple[str, ...] = ()
    """Normalised names the rules have read on this vendor's documents."""
    vat_ids: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    corrections: int = 0
    updated_at: datetime | None = None

    @property
    def key(self) -> str:
        return vendor_key(self.name)


def vendor_key(name: str) -> str:
    """What makes two spellings one vendor: the name without case, accents and legal form."""
    return normalise(name)


def vat_ids(text: str) -> tuple[str, ...]:
    """VAT and tax ids printed after their labels, without spaces, dots or dashes, upper case."""
    found = []
    for m in _VAT.finditer(text):
        value = re.sub(r"[\s.-]", "", m.group("id")).upper()
        if sum(c.isdigit() for c in value) >= 6:
            found.append(value)
    return tuple(sorted(set(found)))


def signature(document: DocumentText, name: Field[str]) -> VendorSignature:
    lines = lines_from_words(document.words) if document.words else lines_from_text(document.text)
    top: list[str] = []
    buyer_until = -1
    for index, line in enumerate(line for line in lines if line.page == 0):
        if index >= HEADER_LINES:
            break
        if find_labels(line.text, Kind.BUYER):
            buyer_until = index + 3
        if index > buyer_until:
            top.append(line.text)
    words = {w.casefold() for text in top for w in _WORD.findall(text)} - _COMMON
    header = tuple(sorted(words)[:MAX_HEADER_WORDS])
    return VendorSignature(name.value, name.confidence, vat_ids(document.text), header)


def learn(known: KnownVendor | None, name: str, seen: VendorSignature, now: datetime) -> KnownVendor:
    """``known`` (or a new vendor called ``name``) having taken in one more document's look."""
    base = known or KnownVendor(name)
    variants = _merged(base.variants, [vendor_key(seen.name)] if seen.name else [], MAX_VARIANTS)
    return KnownVendor(
        name=name,
        variants=tuple(v for v in variants if v),
        vat_ids=_merged(base.vat_ids, seen.vat_ids, MAX_VARIANTS),
        header=_merged(base.header, seen.header, 2 * MAX_HEADER_WORDS),
        corrections=base.corrections + 1,
        updated_at=now,
    )


def recognise(seen: VendorSignature, known: Sequence[KnownVendor]) -> Field[str] | None:
    """The known vendor this document is from, or None when none matches well enough."""
    best: tuple[float, str] | None = None
    read = vendor_key(seen.name) if seen.name else ""
    header = set(seen.header)
    for vendor in known:
        strength = 0.0
        if set(seen.vat_ids) & set(vendor.vat_ids):
            strength = 3.0
        elif read and (read == vendor.key or read in vendor.variants):
            strength = 2.0
        elif header and vendor.header and seen.name_confidence < SURE_NAME:
            shared = len(header & set(vendor.header))
            overlap = shared / min(len(header), len(vendor.header))
            if shared >= 3 and overlap >= 0.6 and header & _name_words(vendor):
                strength = 1.0 + overlap / 2
        if strength and (best is None or strength > best[0]):
            best = (strength, vendor.name)
    return Field(best[1], REMEMBERED_CONFIDENCE) if best else None


def _name_words(vendor: KnownVendor) -> set[str]:
    return {w for name in (vendor.key, *vendor.variants) for w in name.split() if len(w) >= 4}


def _merged(old: Iterable[str], new: Iterable[str], limit: int) -> tuple[str, ...]:
    """Old and new without repeats, the newest kept when over ``limit``."""
    merged = list(dict.fromkeys([*old, *new]))
    return tuple(merged[-limit:])
