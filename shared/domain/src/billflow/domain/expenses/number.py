"""The invoice number: the token after (or under) a number label, with digits in it.

``Invoice No : # BLR_WFLD20151000982590`` gives ``BLR_WFLD20151000982590``; a short letter
prefix set apart stays with the number (``F 1234K20/1234/12``); a date, an amount with a currency
or an e-mail address is never a number. A line that starts with ``#`` is a weak label.
"""

from __future__ import annotations

import re

from billflow.domain.expenses.context import Document
from billflow.domain.expenses.dates import find_dates
from billflow.domain.expenses.labels import Kind, Label, find_labels
from billflow.domain.expenses.reading import Field

_LEAD = re.compile(
    r"^[\s:#.\-\u2013=]*(?:(?:n°|nº|no\.?|nr\.?|number|num\.?|#)(?![\w])\s*[:.]?[\s#]*)?", re.IGNORECASE
)
_PREFIX = re.compile(r"^[A-Z]{1,3}$")
_SHAPE = re.compile(r"^[\w][\w/\-.]*\w$|^\d$")


def read_number(doc: Document) -> Field[str]:
    scores: dict[str, float] = {}
    for index, line in enumerate(doc.lines):
        labels = find_labels(line.text, Kind.NUMBER)
        if line.text.startswith("#"):
            labels.append(Label(Kind.NUMBER, 0.6, 0, 1))
        for label in labels:
            value = _after(line.text[label.end :])
            if value is None and not line.text[label.end :].split("  ")[0].strip(" :#.-"):
                for j, start, stop in doc.below(index, label, rows=1):
                    value = _after(doc.lines[j].text[start:stop])
            if value is not None:
                scores[value] = max(scores.get(value, 0.0), label.weight)
    if not scores:
        return Field()
    text = "\n".join(line.text for line in doc.lines)
    ranked = {v: s + (0.1 if text.count(v) > 1 else 0) for v, s in scores.items()}
    best = max(ranked, key=lambda v: (ranked[v], len(v)))
    return Field(best, round(min(0.95, 0.1 + 0.8 * ranked[best]), 2))


def _after(rest: str) -> str | None:
    rest = rest[_LEAD.match(rest).end() :]  # type: ignore[union-attr]  # the pattern matches ""
    words = rest.split("  ")[0].split()
    if not words:
        return None
    value = words[0]
    if _PREFIX.match(value) and len(words) > 1 and any(c.isdigit() for c in words[1]):
        value = f"{value} {words[1]}"
    value = value.strip(",;:)(.")
    if not _plausible(value):
        return None
    return value


def _plausible(value: str) -> bool:
    core = value.replace(" ", "")
    if not 3 <= len(core) <= 40 or not any(c.isdigit() for c in core) or "@" in core:
        return False
    if not _SHAPE.match(core) or find_dates(value):
        return False
    return not re.fullmatch(r"[$€£₹]?[\d.,]+%?", core) or ("," not in core and "." not in core)
