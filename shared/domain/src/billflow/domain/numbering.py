"""Document numbers: each series (invoices, credit notes) is gapless per year, printed by a format.

A format is a ``str.format`` template over two fields, ``year`` and ``seq`` (the sequence number
within the year, from 1). Because the sequence restarts every year, a format is accepted only when
it prints both, and prints different sequence numbers differently: ``INV-{year}-{seq:06d}`` is
fine, ``INV-{seq:06d}`` (the same number every January) and ``INV-{year}-{seq:.0}`` are refused.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from billflow.domain.errors import InvalidInput

INVOICE_NUMBER_FORMAT = "INV-{year}-{seq:06d}"
CREDIT_NOTE_NUMBER_FORMAT = "CN-{year}-{seq:06d}"
MAX_SEQUENCE = 999_999
"""The most documents one series numbers in one year (six digits by default)."""

_FIELDS = frozenset({"year", "seq"})
# What a format is tried on before it is accepted: years and sequence numbers around the places
# where a width, a sign or a precision could make two of them print alike.
_YEARS = (1999, 2000, 2026, 2099, 2100)
_SEQUENCES = (*range(1, 1201), 9_999, 10_000, 99_999, 100_000, 999_998, MAX_SEQUENCE)


class UnsafeNumberFormat(ValueError):
    """A number format that could print two documents of one series with the same number."""


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """A checked number format; build it with ``NumberFormat.parse``."""

    template: str

    @classmethod
    def parse(cls, template: str, what: str = "document") -> NumberFormat:
        """The format, or UnsafeNumberFormat saying why it could repeat a number."""
        fields: set[str] = set()
        try:
            for _, name, spec, conversion in string.Formatter().parse(template):
                if name is None:
                    continue
                if name not in _FIELDS:
                    raise UnsafeNumberFormat(
                        f"the {what} number format {template!r} names {{{name}}}: only {{year}}"
                        " and {seq} are known"
                    )
                if conversion is not None or (spec and "{" in spec):
                    raise UnsafeNumberFormat(
                        f"the {what} number format {template!r} converts or nests {{{name}}}"
                    )
                fields.add(name)
        except ValueError as e:
            if isinstance(e, UnsafeNumberFormat):
                raise
            raise UnsafeNumberFormat(f"the {what} number format {template!r} is not a format: {e}") from e
        missing = _FIELDS - fields
        if missing:
            raise UnsafeNumberFormat(
                f"the {what} number format {template!r} lacks {{{sorted(missing)[0]}}}: the series"
                " restarts every year, so numbers would repeat"
            )
        checked = cls(template)
        seen: dict[str, tuple[int, int]] = {}
        for year in _YEARS:
            for seq in _SEQUENCES:
                try:
                    text = template.format(year=year, seq=seq)
                except (ValueError, TypeError) as e:
                    raise UnsafeNumberFormat(
                        f"the {what} number format {template!r} cannot print {year}/{seq}: {e}"
                    ) from e
                if text in seen:
                    raise UnsafeNumberFormat(
                        f"the {what} number format {template!r} prints {seen[text]} and"
                        f" {(year, seq)} both as {text!r}"
                    )
                seen[text] = (year, seq)
        return checked

    def format(self, year: int, seq: int) -> str:
        if not 1 <= seq <= MAX_SEQUENCE:
            raise InvalidInput(f"sequence {seq} is out of range for {year}")
        return self.template.format(year=year, seq=seq)


DEFAULT_INVOICE_NUMBERS = NumberFormat.parse(INVOICE_NUMBER_FORMAT, "invoice")
DEFAULT_CREDIT_NOTE_NUMBERS = NumberFormat.parse(CREDIT_NOTE_NUMBER_FORMAT, "credit note")
