"""Vendors Billflow has learnt: how a vendor's documents look, and knowing them again.

Rules:
- A document's :class:`VendorSignature` is the name the rules read, the VAT ids printed on it,
  the distinctive words at the top of its first page (where letterheads are) and the vendor's
  other identifiers printed anywhere on it: web and e-mail domains (``web:coolblue``), IBANs
  (``iban:NL86INGB0002445588``) and phone numbers (``tel:`` and the last nine digits).
- When someone corrects an expense's vendor, the company's memory of that vendor (by its
  normalised name) takes in the signature: the name read becomes a variant, VAT ids, header
  words and identifiers are added (a bounded number of each, the newest kept).
- An upload is named from memory when its signature matches a known vendor: a VAT id or another
  identifier in common, the name read being a known variant or close to one, or, when the name
  could not be read with confidence (below ``SURE_NAME``), most of the header words shared *and* a
  word of the vendor's name among them (two vendors at one address share a letterhead's words, not
  a name), or the unsure name read being a line of that letterhead (three words or more, all
  among its distinctive words: a slogan read where the logo is) with four header words shared. A
  match is trusted with ``REMEMBERED_CONFIDENCE``; the best match wins, an identifier over a name
  over a header.
- OCR garbles what it reads, so ids are compared with the letters it confuses with digits folded
  (``O``/``Q``/``D`` as ``0``, ``I``/``L`` as ``1``, ``S``/``5``, ``B``/``8``, ``Z``/``2``,
  ``G``/``6``), long ids may differ in one character (two from twelve characters on: one lost, one
  misread), and names and header words match when they are nearly the same (a similarity of
  ``CLOSE`` or more, on words of five letters or more).
- Only what tells vendors apart counts: the buyer's block (``Bill to``...) is left out, as it is the
  same on every vendor's invoice to the company, and an identifier or header word that two known
  vendors share (the company's own VAT id, address or phone printed on both) is no evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from billflow.domain.expenses.labels import Kind, find_labels
from billflow.domain.expenses.lines import lines_from_text, lines_from_words
from billflow.domain.expenses.reading import DocumentText, Field
from billflow.domain.expenses.vendor import normalise, web_names

REMEMBERED_CONFIDENCE = 0.97
SURE_NAME = 0.7
HEADER_LINES = 10
MAX_HEADER_WORDS = 40
MAX_VARIANTS = 20
MAX_IDENTIFIERS = 20
CLOSE = 0.75
"""How similar (difflib's ratio) a garbled word or name must be to a known one to count as it."""
_VAT = re.compile(
    r"(?i:VAT|V\.A\.T\.|TVA|BTW|USt|MwSt|NIP|GSTIN|IVA|UID|Tax[ ]?ID|TIN)[\w. /-]{0,14}?[:#]?[ \t]*"
    r"(?P<id>(?:[A-Z]{2}[ .-]?)?\d[\dA-Z]*(?:[ .-]?(?=[\dA-Z]*\d)[\dA-Z]+)*)"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}[ ]?(?:[A-Z0-9]{4}[ ]?){2,7}[A-Z0-9]{1,4}\b")
_PHONE = re.compile(
    r"(?i:tel(?:efoon|efon|ephone)?|t[ée]l[ée]phone|phone|fax|mobile|ph)\.?\s*(?:no\.?|nr\.?)?\s*[:.]?\s*"
    r"(?P<number>\+?\(?\d[\d ()./-]{6,18}\d)"
    r"|(?P<international>\+\d{1,3}[ ]?\(?\d[\d ()./-]{6,16}\d)"
)
_CONFUSED = str.maketrans("OQDILSBZG", "001115826")
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
    identifiers: tuple[str, ...] = ()
    """``web:``, ``iban:`` and ``tel:`` tokens printed outside the buyer's block."""


@dataclass(frozen=True, slots=True)
class KnownVendor:
    name: str
    """As the people who corrected it spell it."""
    variants: tuple[str, ...] = ()
    """Normalised names the rules have read on this vendor's documents."""
    vat_ids: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    """Header words, then identifiers (the tokens with a ``:``): stored together, one list."""
    corrections: int = 0
    updated_at: datetime | None = None

    @property
    def key(self) -> str:
        return vendor_key(self.name)

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(w for w in self.header if ":" not in w)

    @property
    def identifiers(self) -> tuple[str, ...]:
        return tuple(w for w in self.header if ":" in w)


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


def identifiers(text: str) -> tuple[str, ...]:
    """The web and e-mail domains, IBANs and phone numbers printed in ``text``, as tokens."""
    found = {f"web:{name}" for name in web_names(text)}
    for m in _IBAN.finditer(text):
        value = m.group().replace(" ", "")
        if sum(c.isdigit() for c in value) >= 8:
            found.add(f"iban:{value}")
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group("number") or m.group("international"))
        if 9 <= len(digits) <= 15:
            found.add(f"tel:{digits[-9:]}")
    return tuple(sorted(found))


def signature(document: DocumentText, name: Field[str]) -> VendorSignature:
    lines = lines_from_words(document.words) if document.words else lines_from_text(document.text)
    top: list[str] = []
    outside: list[str] = []
    buyer_until = -1
    first_page = 0
    for index, line in enumerate(lines):
        if find_labels(line.text, Kind.BUYER):
            buyer_until = index + 3
        elif index > buyer_until:
            outside.append(line.text)
            if line.page == 0 and first_page < HEADER_LINES:
                top.append(line.text)
        if line.page == 0:
            first_page += 1
    words = {w.casefold() for text in top for w in _WORD.findall(text)} - _COMMON
    header = tuple(sorted(words)[:MAX_HEADER_WORDS])
    text = "\n".join(outside)
    return VendorSignature(name.value, name.confidence, vat_ids(text), header, identifiers(text))


def learn(known: KnownVendor | None, name: str, seen: VendorSignature, now: datetime) -> KnownVendor:
    """``known`` (or a new vendor called ``name``) having taken in one more document's look."""
    base = known or KnownVendor(name)
    variants = _merged(base.variants, [vendor_key(seen.name)] if seen.name else [], MAX_VARIANTS)
    words = _merged(base.words, seen.header, 2 * MAX_HEADER_WORDS)
    ids = _merged(base.identifiers, seen.identifiers, MAX_IDENTIFIERS)
    return KnownVendor(
        name=name,
        variants=tuple(v for v in variants if v),
        vat_ids=_merged(base.vat_ids, seen.vat_ids, MAX_VARIANTS),
        header=(*words, *ids),
        corrections=base.corrections + 1,
        updated_at=now,
    )


def recognise(seen: VendorSignature, known: Sequence[KnownVendor]) -> Field[str] | None:
    """The known vendor this document is from, or None when none matches well enough."""
    best: tuple[float, str] | None = None
    read = vendor_key(seen.name) if seen.name else ""
    distinct = _by_key(known)
    shared_ids = _shared(_ids(v.vat_ids, v.identifiers) for v in distinct)
    shared_words = _shared(set(v.words) for v in distinct)
    ids = _ids(seen.vat_ids, seen.identifiers) - shared_ids
    header = set(seen.header) - shared_words
    for vendor in known:
        strength = 0.0
        theirs = _ids(vendor.vat_ids, vendor.identifiers) - shared_ids
        words = set(vendor.words) - shared_words
        if any(_same_id(a, b) for a in ids for b in theirs):
            strength = 3.0
        elif read and (read == vendor.key or read in vendor.variants):
            strength = 2.0
        elif read and any(_close(read, name) for name in (vendor.key, *vendor.variants)):
            strength = 1.8
        elif header and words and seen.name_confidence < SURE_NAME:
            shared = sum(1 for w in header if w in words or any(_close(w, v) for v in words))
            overlap = shared / min(len(header), len(words))
            names = _name_words(vendor)
            if (
                shared >= 3
                and overlap >= 0.6
                and any(w in names or _close(w, n) for w in header for n in names)
            ):
                strength = 1.0 + overlap / 2
            elif shared >= 4 and _printed_in(read, words):
                strength = 1.0
        if strength and (best is None or strength > best[0]):
            best = (strength, vendor.name)
    return Field(best[1], REMEMBERED_CONFIDENCE) if best else None


def _by_key(known: Sequence[KnownVendor]) -> list[KnownVendor]:
    """One entry per vendor (the latest of any repeats), so a vendor does not share with itself."""
    return list({v.key: v for v in known}.values())


def _shared(sets: Iterable[set[str]]) -> set[str]:
    seen: set[str] = set()
    twice: set[str] = set()
    for items in sets:
        twice |= seen & items
        seen |= items
    return twice


def _ids(vat: Iterable[str], others: Iterable[str]) -> set[str]:
    """VAT ids and identifiers as ``kind:value``, the letters OCR takes for digits folded into them
    (web names are words, and are left as read)."""
    tokens = [("vat", v) for v in vat] + [(t.partition(":")[0], t.partition(":")[2]) for t in others]
    return {f"{k}:{v if k == 'web' else v.upper().translate(_CONFUSED)}" for k, v in tokens}


def _same_id(a: str, b: str) -> bool:
    """The same id, or nearly: a web name ``CLOSE`` to it, a long id one or two characters off."""
    kind, _, x = a.partition(":")
    other, _, y = b.partition(":")
    if kind != other:
        return False
    if x == y or kind == "web":
        return x == y or _close(x, y)
    shortest = min(len(x), len(y))
    return shortest >= 10 and _edits(x, y, 1 if shortest < 12 else 2) is not None


def _edits(a: str, b: str, most: int) -> int | None:
    """Levenshtein distance of ``a`` and ``b`` when it is ``most`` or less, else None."""
    if abs(len(a) - len(b)) > most:
        return None
    previous = list(range(len(b) + 1))
    for i, c in enumerate(a, 1):
        current = [i]
        for j, d in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (c != d)))
        if min(current) > most:
            return None
        previous = current
    return previous[-1] if previous[-1] <= most else None


def _printed_in(read: str, words: set[str]) -> bool:
    """The name read is a line of the vendor's letterhead (a slogan, the line under a logo): three
    words or more, all among the vendor's distinctive header words."""
    mine = [w for w in read.split() if len(w) >= 3]
    return len(mine) >= 3 and all(w in words or any(_close(w, v) for v in words) for w in mine)


def _close(a: str, b: str) -> bool:
    return min(len(a), len(b)) >= 5 and SequenceMatcher(None, a, b).ratio() >= CLOSE


def _name_words(vendor: KnownVendor) -> set[str]:
    return {w for name in (vendor.key, *vendor.variants) for w in name.split() if len(w) >= 4}


def _merged(old: Iterable[str], new: Iterable[str], limit: int) -> tuple[str, ...]:
    """Old and new without repeats, the newest kept when over ``limit``."""
    merged = list(dict.fromkeys([*old, *new]))
    return tuple(merged[-limit:])
