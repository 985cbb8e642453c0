"""The labels invoices print before their fields, in English, French, German, Dutch and Polish.

Each kind has weighted positive patterns and negative ones; a positive match that overlaps a
negative one does not count (``Subtotal`` is no ``Total``, ``Due date`` is no invoice date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    TOTAL = "total"
    SUBTOTAL = "subtotal"
    TAX = "tax"
    DATE = "date"
    NUMBER = "number"
    SELLER = "seller"
    BUYER = "buyer"


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(rf"(?<!\w)(?:{p})(?![^\W\d])" for p in patterns), re.IGNORECASE)


_A = "(?:à|a)"
_POSITIVE: dict[Kind, list[tuple[float, re.Pattern[str]]]] = {
    Kind.TOTAL: [
        (1.0, _rx(r"grand\s*total", r"total\s+amount(?:\s+due)?", r"amount\s+due", r"balance\s+due",
                  r"total\s+due", r"total\s+t\.?t\.?c\.?", r"montant\s+t\.?t\.?c\.?",
                  rf"total\s+{_A}\s+payer",
                  rf"(?:somme|montant|net)\s+{_A}\s+payer", r"total\s+to\s+pay", r"amount\s+payable",
                  r"total\s+payable", r"invoice\s+total", r"total\s+for\s+this\s+invoice",
                  r"factuur\s*totaal", r"(?:totaal\s+)?te\s+betalen", r"gesamtbetrag", r"rechnungsbetrag",
                  r"endbetrag", r"zu\s+zahlen", r"należność(?:\s+ogółem)?", r"(?:razem\s+)?do\s+zapłaty",
                  r"total\s+facture", r"net\s+amount", r"amount\s+paid", r"total\s+paid",
                  r"total\s+incl\.?(?:uding)?(?:\s+(?:vat|tax|btw))?", r"totaal\s+incl\.?(?:\s+btw)?")),
        (0.8, _rx(r"total", r"totaal", r"summe", r"razem", r"gesamt", r"totale")),
    ],
    Kind.SUBTOTAL: [
        (1.0, _rx(r"sub\s*-?\s*total", r"subtotaal", r"sous-?\s*total", r"total\s+h\.?t\.?",
                  r"montant\s+h\.?t\.?", r"total\s+hors\s+tax\w*", r"exclusief\s+btw",
                  r"excl\.?\s+(?:btw|vat|tax)", r"zwischensumme", r"netto(?:betrag)?", r"net\s+total",
                  r"total\s+net", r"total\s+excl\w*\.?(?:\s+(?:vat|tax|btw|tva|mwst))?",
                  r"wartość\s+netto", r"amount\s+untaxed")),
    ],
    Kind.TAX: [
        (1.0, _rx(r"vat", r"tva", r"btw", r"mwst\.?", r"ust\.?", r"c?s?i?gst", r"hst", r"iva", r"tax(?:es)?",
                  r"sales\s+tax", r"kwota\s+vat", r"steuer", r"mehrwertsteuer", r"umsatzsteuer")),
    ],
    Kind.DATE: [
        (1.0, _rx(r"invoice\s+date", r"date\s+of\s+(?:invoice|issue)", r"issue\s+date", r"issued(?:\s+on)?",
                  r"factuur\s*datum", r"rechnungsdatum", r"date\s+de\s+(?:la\s+)?facture",
                  r"date\s+d'émission", r"data\s+wystawienia", r"data\s+faktury", r"billing\s+date",
                  r"receipt\s+date", r"datum\s+faktury", r"rechnung\s+vom")),
        (0.75, _rx(r"date", r"datum", r"data", r"dated", r"facture\s+n\S*\s*\S+\s+du")),
    ],
    Kind.NUMBER: [
        (1.0, _rx(r"invoice\s*(?:number|no\.?|nr\.?|num\.?|#|n°|id)", r"factuurnummer",
                  r"factuur\s*(?:nummer|nr\.?)", r"rechnungs?-?\s*(?:nr\.?|nummer|no\.?)",
                  r"facture\s*(?:n°|no\.?|nº|numéro|#)", r"n°\s*de\s*facture", r"numéro\s+de\s+facture",
                  r"faktura\s*(?:vat\s*)?(?:nr\.?|numer)", r"n(?:r|umer)\s+faktury",
                  r"bill\s*(?:no\.?|number|#)", r"receipt\s*(?:no\.?|number|#)")),
        (0.8, _rx(r"booking\s+id", r"document\s*(?:no\.?|number)")),
        (0.55, _rx(r"invoice", r"factuur", r"rechnung", r"facture", r"faktura")),
    ],
    Kind.SELLER: [
        (1.0, _rx(r"ordered\s+through", r"sold\s+through", r"sprzedawca", r"verkäufer", r"vendeur",
                  r"verkoper", r"seller", r"vendor", r"supplier", r"issued\s+by",
                  r"payment\s+received\s+by")),
        (0.7, _rx(r"sold\s+by", r"lieferant", r"fournisseur", r"leverancier", r"service\s+provider",
                  r"titulaire\s+du\s+compte", r"account\s+holder", r"beneficiary", r"payee",
                  r"kontoinhaber")),
    ],
    Kind.BUYER: [
        (1.0, _rx(r"bill(?:ed)?\s*to", r"ship(?:ped)?\s*to", r"billing\s+address", r"shipping\s+address",
                  r"sold\s+to", r"invoice\s+to", r"customer", r"client", r"kunde", r"factuuradres",
                  r"afleveradres", r"nabywca", r"odbiorca", r"destinataire", r"adresse\s+de\s+facturation",
                  r"t\.a\.v\.", r"attn", r"guest\s+name", r"nom\s+de\s+l.abonné", r"rechnungsadresse",
                  r"lieferadresse", r"bill\s+to\s+address")),
    ],
}  # fmt: skip

_NEGATIVE: dict[Kind, re.Pattern[str]] = {
    Kind.TOTAL: _rx(r"sub\s*-?\s*total", r"subtotaal", r"sous-?\s*total", r"total\s+h\.?t\.?",
                    r"total\s+hors",
                    r"total\s+(?:excl\w*|net|tax|vat|tva|btw|mwst|discount|qty|quantity|items|savings|weight)",
                    r"zwischensumme", r"exclusief"),
    Kind.TAX: _rx(r"(?:vat|tva|btw|tax|gst|ust)\s*-?(?:no\.?|number|nr\.?|nummer|id|reg\w*|#|\(%\))",
                  r"gstin", r"tva\s+intra\w*", r"ustid", r"steuer-?\s*nr\.?", r"inclusi\w+\s+(?:of\s+)?\w*",
                  r"incl\.?\s+\w+", r"inkl\.?\s+\w+", r"tva\s+acquitt\w*", r"taxes?\s+\(?%", r"tax\(%\)",
                  r"service\s+tax\s*#", r"ohne\s+mwst\.?", r"excl\w*\.?\s+(?:btw|vat|tax)",
                  r"prijzen\s+zijn"),
    Kind.DATE: _rx(r"due\s+date", r"date\s+due", r"due(?:\s+on)?", r"date\s+limite", r"vervaldatum",
                   r"fälligkeit\w*", r"zahlungsziel", r"order\s*date", r"orderdatum", r"bestelldatum",
                   r"date\s+de\s+commande", r"check[-\s]?(?:in|out)", r"delivery\s+date", r"lieferdatum",
                   r"leverdatum", r"période", r"period", r"prélèvement\w*", r"expir\w*", r"date\s+limite"),
    Kind.NUMBER: _rx(r"invoice\s+(?:date|summary|total|address|period|to)",
                     r"factuur\s*(?:datum|adres|totaal)",
                     r"rechnungs?(?:datum|betrag|adresse)", r"date\s+de\s+facture", r"this\s+invoice",
                     r"invoice\s+(?:is|for|from)", r"kopie\s+factuur", r"rechnung\s+seite"),
    Kind.SELLER: _rx(r"sold\s+to"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Label:
    kind: Kind
    weight: float
    start: int
    end: int


def find_labels(text: str, kind: Kind) -> list[Label]:
    """The labels of ``kind`` in one line of text, strongest first where they overlap."""
    negative = _NEGATIVE.get(kind)
    blocked = [(m.start(), m.end()) for m in negative.finditer(text)] if negative else []
    found: list[Label] = []
    for weight, pattern in _POSITIVE[kind]:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in blocked):
                continue
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            found.append(Label(kind, weight, m.start(), m.end()))
    return sorted(found, key=lambda label: label.start)


def any_label_after(text: str, position: int) -> int:
    """Where the next label of any kind starts after ``position`` (or the end of the text)."""
    starts = [label.start for kind in Kind for label in find_labels(text, kind) if label.start >= position]
    return min(starts, default=len(text))


def is_refused(text: str, kind: Kind) -> bool:
    """True when ``text`` carries a label that rules out a field of ``kind`` (``Due date``)."""
    negative = _NEGATIVE.get(kind)
    return bool(negative and negative.search(text))
