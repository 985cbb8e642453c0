"""Dates as printed: ISO, ``dd/mm/yyyy`` or ``mm/dd/yyyy``, ``7. Mai 2014``, ``August 3, 2014``.

Written months are known in English, French, German, Dutch and Polish (with the genitive forms
Polish dates use), and may run into the digits (``19april2014``, as some OCR engines read it).
Whether ``03/04/2023`` is the 3rd of April or the 4th of March is decided for the whole document:
a day above 12 in any numeric date settles it; failing that, the caller's hint (US dollars
suggest month first), and such dates are reported as not certain. A month-first date's comma
may be read as a full stop (``August 3. 2014``: OCR on a blurred page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Order = Literal["DMY", "MDY"]

_NAMES = {
    1: "january jan janvier januar jänner januari stycznia styczeń styczen",
    2: "february feb février fevrier februar februari lutego luty",
    3: "march mar mars märz maerz maart marca marzec",
    4: "april apr avril kwietnia kwiecień kwiecien",
    5: "may mai mei maja maj",
    6: "june jun juin juni czerwca czerwiec",
    7: "july jul juillet juli lipca lipiec",
    8: "august aug août aout augustus sierpnia sierpień sierpien",
    9: "september sep sept septembre września wrzesnia wrzesień",
    10: "october oct octobre oktober okt października pazdziernika październik",
    11: "november nov novembre listopada listopad",
    12: "december dec décembre decembre dezember dez grudnia grudzień grudzien",
}
MONTHS: dict[str, int] = {name: month for month, names in _NAMES.items() for name in names.split()}
_MONTH = "(?<![^\\W\\d_])(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")(?![^\\W\\d_])"

_ISO = re.compile(r"(?<![\d/.])(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d/.])")
_NUMERIC = re.compile(r"(?<![\d/.])(?P<a>\d{1,2})(?P<s>[-/.])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})(?![\d/])")
_DAY_MONTH = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s*(?:de\s+)?{_MONTH}\.?,?\s*(?P<y>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"{_MONTH}\.?\s*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*[,.]?\s*(?P<y>(?:19|20)\d\d)(?!\d)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    value: date
    start: int
    end: int
    certain: bool
    """False when day and month could be swapped and only a hint chose between them."""


def numeric_order(text: str) -> Order | None:
    """The order of numeric dates in ``text`` when some date settles it (a part above 12)."""
    day_first = month_first = 0
    for m in _NUMERIC.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        day_first += a > 12 >= b
        month_first += b > 12 >= a
    if day_first == month_first:
        return None
    return "DMY" if day_first > month_first else "MDY"


def find_dates(text: str, order: Order | None = None, *, hint: Order = "DMY") -> list[FoundDate]:
    """Every plausible date in ``text``, left to right; ``order`` settles numeric ones."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], year: str, month: int, day: int, certain: bool) -> None:
        if any(m.start() < end and start < m.end() for start, end in taken):
            return
        value = _date(_year(year), month, day)
        if value is not None:
            found.append(FoundDate(value, m.start(), m.end(), certain))
            taken.append((m.start(), m.end()))

    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for m in pattern.finditer(text):
            add(m, m["y"], MONTHS[m["month"].lower()], int(m["d"]), True)
    for m in _ISO.finditer(text):
        add(m, m["y"], int(m["m"]), int(m["d"]), True)
    for m in _NUMERIC.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        if a > 12 or b > 12:
            add(m, m["y"], min(a, b) if a > 12 or b > 12 else a, max(a, b), True)
        else:
            chosen = order or hint
            add(
                m,
                m["y"],
                b if chosen == "DMY" else a,
                a if chosen == "DMY" else b,
                a == b or order is not None,
            )
    return sorted(found, key=lambda f: f.start)


def _year(text: str) -> int:
    year = int(text)
    if year < 100:
        year += 2000 if year < 70 else 1900
    return year


def _date(year: int, month: int, day: int) -> date | None:
    if not 1990 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
