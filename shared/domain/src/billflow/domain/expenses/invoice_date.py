"""The invoice's own date among the dates printed on it.

A date after an issue-date label wins (on the same line, or under the label); due, order, delivery
and period dates are passed over; failing labels, the first date that is not one of those.
"""

from __future__ import annotations

from datetime import date

from billflow.domain.expenses.context import Document
from billflow.domain.expenses.labels import Kind, any_label_after, find_labels, is_refused
from billflow.domain.expenses.reading import Field


def read_date(doc: Document) -> Field[date]:
    candidates: list[tuple[float, int, date, bool]] = []
    for index, line in enumerate(doc.lines):
        for label in find_labels(line.text, Kind.DATE):
            end = any_label_after(line.text, label.end)
            inline = [d for d in doc.dates[index] if label.end <= d.start <= end]
            if inline:
                candidates.append((label.weight, -index, inline[0].value, inline[0].certain))
                continue
            for j, start, stop in doc.below(index, label):
                under = [d for d in doc.dates[j] if d.start < stop and d.end > start]
                if under:
                    candidates.append((label.weight * 0.9, -index, under[0].value, under[0].certain))
                    break
    if candidates:
        weight, _, value, certain = max(candidates)
        repeated = sum(1 for c in candidates if c[2] == value) > 1
        confidence = 0.45 + 0.45 * weight + (0.05 if repeated else 0) - (0 if certain else 0.2)
        return Field(value, round(min(confidence, 0.97), 2))
    for index, line in enumerate(doc.lines):
        if find_labels(line.text, Kind.DATE) or is_refused(line.text, Kind.DATE):
            continue
        for found in doc.dates[index]:
            return Field(found.value, 0.4 if found.certain else 0.3)
    return Field()
