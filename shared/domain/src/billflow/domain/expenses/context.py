"""A document prepared for the field rules: lines, their dates masked out, and their amounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from billflow.domain.expenses.amounts import Amount, find_amounts
from billflow.domain.expenses.dates import FoundDate, Order, find_dates, numeric_order
from billflow.domain.expenses.labels import Label
from billflow.domain.expenses.lines import Line


@dataclass(frozen=True, slots=True)
class Document:
    lines: Sequence[Line]
    masked: Sequence[str]
    """Each line with its dates blanked out, so that ``3 , 2014`` is not read as money."""
    dates: Sequence[Sequence[FoundDate]]
    amounts: Sequence[Sequence[Amount]]
    order: Order | None

    @classmethod
    def of(cls, lines: Sequence[Line], *, hint: Order = "DMY") -> Document:
        order = numeric_order("\n".join(line.text for line in lines))
        dates = [find_dates(line.text, order, hint=hint) for line in lines]
        masked = [_mask(line.text, found) for line, found in zip(lines, dates, strict=True)]
        return cls(lines, masked, dates, [find_amounts(text) for text in masked], order)

    def below(self, index: int, label: Label, rows: int = 2) -> list[tuple[int, int, int]]:
        """Spans ``(line, start, end)`` of the text just under ``label``, nearest row first."""
        line = self.lines[index]
        span = line.span_x(label.start, label.end)
        if span is None:
            return []
        x0, x1 = span
        found: list[tuple[int, int, int]] = []
        for j in range(index + 1, min(index + 1 + rows, len(self.lines))):
            if self.lines[j].page != line.page:
                break
            under = [t for t in self.lines[j].tokens if t.x0 < x1 + (x1 - x0) and t.x1 > x0]
            if under:
                found.append((j, under[0].start, under[-1].start + len(under[-1].text)))
        return found


def _mask(text: str, dates: Sequence[FoundDate]) -> str:
    for found in dates:
        text = text[: found.start] + " " * (found.end - found.start) + text[found.end :]
    return text
