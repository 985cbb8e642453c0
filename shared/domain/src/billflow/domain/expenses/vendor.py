"""Who issued the invoice: evidence from seller labels, company names and web domains, weighed.

Evidence: a name after a seller label (``Sold by``, ``Sprzedawca``, ``Payment received by``); a
company name with a legal form (``Coolblue B.V.``, ``QualityHosting AG``); a short name at the
top of the page. Names seen in the buyer's block (after ``Bill to``, ``Nabywca``...) count
against, names matching the document's web or e-mail domains and names seen often count for.
The brand usually wins over the legal entity when both are printed, as people know it by that.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from difflib import SequenceMatcher

from billflow.domain.expenses.context import Document
from billflow.domain.expenses.labels import Kind, find_labels
from billflow.domain.expenses.reading import Field

LEGAL = (
    r"B\.?V\.?|N\.?V\.?|AG|GmbH|S\.?A\.?S?\.?|SARL|S\.?à\s?r\.?l\.?|Inc\.?|Ltd\.?|LLC|Limited|Pvt\.?\s*Ltd\.?|"
    r"Private\s+Limited|plc|sp\.\s*z\s*o\.?\s*o\.?|S\.?p\.?A\.?|KG|Corp\.?|Corporation|Oy|AB|A/S|ApS|"
    r"spółka\s+akcyjna|SE"
)
_COMPANY = re.compile(
    rf"(?P<name>(?:[\w&'.-]+\s+){{0,4}}?[\w&'.-]*[A-Za-z]\w*),?\s+(?P<form>{LEGAL})(?![\w])", re.UNICODE
)
_LEGAL_WORDS = re.compile(rf"(?<![\w])(?:{LEGAL})(?![\w])", re.IGNORECASE)
_DOMAIN = re.compile(
    r"(?:@|www\.|https?://|\b)(?:[\w-]+\.)*?([\w-]{2,})\.(?:com|net|org|de|fr|nl|pl|in|co|uk|eu|io|be)\b"
)
_GENERIC = {"gmail", "yahoo", "hotmail", "outlook", "example", "fake", "google", "icloud", "gmx", "free"}
_STOP = re.compile(
    r"\s(?:paid|through|on|for|at|via|customer|care|the|cash|date|tel|phone|gstin|vat|nip|adres|address|"
    r"siège|au|capital|registered|office|invoice)\b.*$|[:|(].*$|,\s.*$",
    re.IGNORECASE,
)
_TITLES = re.compile(
    r"^(?:invoice|factuur|facture|rechnung|faktura|receipt|payment receipt|kopie factuur)\W*$", re.I
)


def read_vendor(doc: Document) -> Field[str]:
    evidence: dict[str, list[float]] = defaultdict(list)
    shown: dict[str, str] = {}
    buyer_until = -1
    texts = [line.text for line in doc.lines]
    brands = set(web_names("\n".join(texts)))

    def add(name: str, weight: float, index: int, preferred: bool = False) -> None:
        name = name.strip(" ,:;-\u2013|").lstrip(".")
        key = normalise(name)
        if len(key) < 2 or not any(c.isalpha() for c in key) or (len(key) < 3 and not name.isupper()):
            return  # nothing, or a smudge (``er``); two-letter names are acronyms (``HP``)
        evidence[key].append(weight - (0.6 if index <= buyer_until else 0))
        if preferred or key not in shown:
            shown[key] = name

    for index, text in enumerate(texts):
        if find_labels(text, Kind.BUYER):
            buyer_until = index + 4
        for label in find_labels(text, Kind.SELLER):
            rest = text[label.end :].lstrip(" :-")
            weight = label.weight
            if _smudge(rest.split("  ")[0]) and index + 1 < len(texts):
                rest = texts[index + 1]  # nothing after the label, or a smudge: the name is below
                weight *= 1 if _looks_like_name(_STOP.sub("", rest.split("  ")[0])) else 0.6
            value = _STOP.sub("", rest.split("  ")[0])
            domain = _DOMAIN.fullmatch(value.split(" ")[0].lower()) if value else None
            near = _near_brand(value, brands)
            add(domain.group(1).capitalize() if domain else near or value, weight, index)
        for m in _COMPANY.finditer(text):
            name = re.sub(
                r"^.*\b(?:by|of|from|von|de|der|des|du|van|par)\s+", "", m.group("name"), flags=re.I
            )
            name = re.sub(r"^(?:[a-z]\w*\s+)+", "", name)
            if sum(c.isalpha() for c in name) < 3:
                continue  # ``er AG``: a smudge before a legal form
            early = 0.15 if index < len(texts) / 4 else 0
            near = _near_brand(name, brands)
            add(near or text[m.end("name") - len(name) : m.end()], 0.5 + early, index, not near)
        if index < 6 and _looks_like_name(text):
            add(text, 0.35, index)
    for index, text in enumerate(texts):
        if normalise(text) in {normalise(b) for b in brands}:
            add(text, 0.7, index)
    if not evidence:
        return Field()
    whole = normalise(" ".join(texts))
    scored = {
        key: max(weights)
        + 0.1 * min(len(weights) - 1, 3)
        + (0.3 if any(b.startswith(key.replace(" ", "")) or key.split()[0] == b for b in brands) else 0)
        + 0.05 * min(whole.count(key) - 1, 3)
        for key, weights in evidence.items()
    }
    best = max(scored, key=lambda k: scored[k])
    return Field(shown[best], round(max(0.1, min(0.95, 0.6 * scored[best])), 2))


def _smudge(value: str) -> bool:
    """Nothing, or too little to be a name: under four letters, unless an acronym (``OYO``)."""
    letters = [c for c in value if c.isalpha()]
    return len(letters) < 2 or (len(letters) < 4 and not all(c.isupper() for c in letters))


def _near_brand(value: str, brands: set[str]) -> str | None:
    """The web name a garbled name stands for (``Sflip kart...`` for ``flipkart``), if any."""
    squeezed = normalise(value).replace(" ", "")
    if len(squeezed) < 5:
        return None
    for brand in sorted(brands):
        plain = brand.replace("-", "")
        if len(plain) >= 5 and SequenceMatcher(None, squeezed, plain).ratio() >= 0.8:
            return brand.capitalize()
    return None


def web_names(text: str) -> tuple[str, ...]:
    """The names of the web and e-mail domains in ``text`` (``coolblue`` for ``www.coolblue.nl``),
    lower case, without the public mail providers'."""
    return tuple(sorted({d.lower() for d in _DOMAIN.findall(text)} - _GENERIC))


def normalise(name: str) -> str:
    """Case, accents, legal forms and punctuation removed: ``Coolblue B.V.`` -> ``coolblue``."""
    name = unicodedata.normalize("NFKD", _LEGAL_WORDS.sub(" ", name))
    name = "".join(c for c in name if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", name).replace("_", " ").split())


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return (
        1 <= len(words) <= 5
        and not _TITLES.match(text)
        and not any(c.isdigit() for c in text)
        and sum(c.isalpha() for c in text) >= 0.8 * len(text.replace(" ", ""))
        and not find_labels(text, Kind.BUYER)
        and not text.rstrip().endswith(":")
    )
