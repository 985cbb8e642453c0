"""The total and the tax: labelled amounts, weighed and cross-checked.

Rules: the amount in a total label's own segment of the line (up to the next label), rightmost
first, else the amount printed under the label; subtotal + tax = total raises confidence, and a
row of three amounts that add up (net, tax, gross) counts as such a check too; among the best
candidates the largest wins (a total including tax outranks one without); tax is below the total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from billflow.domain.expenses.amounts import Amount
from billflow.domain.expenses.context import Document
from billflow.domain.expenses.labels import Kind, any_label_after, find_labels
from billflow.domain.expenses.reading import Field


@dataclass(frozen=True, slots=True)
class Money:
    total: Field[Decimal]
    tax: Field[Decimal]
    total_line: int | None
    subtotals: frozenset[Decimal] = frozenset()
    """Every amount read after a subtotal label, for the cross-check of subtotal + tax = total."""


def read_money(doc: Document) -> Money:
    totals = _labelled(doc, Kind.TOTAL)
    subtotals = {a.value for _, a, _ in _labelled(doc, Kind.SUBTOTAL)}
    taxes = [a.value for _, a, _ in _labelled(doc, Kind.TAX)]
    triplets = _triplets(doc)
    score: dict[Decimal, float] = defaultdict(float)
    seen: dict[Decimal, int] = defaultdict(int)
    line_of: dict[Decimal, int] = {}
    marked: set[Decimal] = set()
    for index, amount, weight in totals:
        if amount.value <= 0:
            continue
        score[amount.value] = max(score[amount.value], weight)
        seen[amount.value] += 1
        line_of.setdefault(amount.value, index)
        if amount.currency:
            marked.add(amount.value)
    checked = {
        v
        for v in score
        if any(s + t == v for s in subtotals for t in taxes) or any(z == v for *_, z in triplets)
    }
    if not score:
        return _fallback(doc, taxes)
    ranked = {
        v: s + 0.1 * min(seen[v] - 1, 2) + (0.3 if v in checked else 0) + (0.05 if v in marked else 0)
        for v, s in score.items()
    }
    best = max(ranked.values())
    total = max(v for v, s in ranked.items() if s >= best - 0.1)
    confidence = min(0.99, 0.2 + 0.55 * ranked[total])
    tax = _tax(total, subtotals, taxes, triplets)
    return Money(Field(total, round(confidence, 2)), tax, line_of[total], frozenset(subtotals))


def _tax(
    total: Decimal, subtotals: set[Decimal], taxes: list[Decimal], triplets: list[tuple[Decimal, ...]]
) -> Field[Decimal]:
    plausible = [t for t in taxes if Decimal(0) <= t < total]
    for t in plausible:
        if total - t in subtotals:
            return Field(t, 0.9)
    for x, y, z in triplets:
        if z == total and Decimal(0) <= min(x, y) < total:
            return Field(min(x, y), 0.75 if min(x, y) in plausible else 0.6)
    if plausible:
        return Field(max(set(plausible), key=plausible.count), 0.5)
    for s in subtotals:
        if Decimal(0) < s < total and taxes:
            return Field(total - s, 0.45)
    return Field()


def _fallback(doc: Document, taxes: list[Decimal]) -> Money:
    marked = [
        (a.value, i) for i, found in enumerate(doc.amounts) for a in found if a.currency and a.value > 0
    ]
    if not marked:
        return Money(Field(), Field(), None)
    value, index = max(marked)
    return Money(Field(value, 0.25), Field(), index)


def _labelled(doc: Document, kind: Kind) -> list[tuple[int, Amount, float]]:
    """``(line, amount, label weight)`` for each label of ``kind`` that has an amount."""
    found: list[tuple[int, Amount, float]] = []
    for index, text in enumerate(doc.masked):
        for label in find_labels(text, kind):
            end = any_label_after(text, label.end)
            inline = [a for a in doc.amounts[index] if label.end <= a.start < end and a.money_like]
            if inline:
                found.append((index, inline[-1], label.weight))
                continue
            if text[label.end :].strip(" :*.-=#"):
                continue
            for j, start, stop in doc.below(index, label):
                under = [a for a in doc.amounts[j] if start <= a.start < stop + 2 and a.money_like]
                if under:
                    found.append((j, under[-1], label.weight * 0.9))
                    break
    return found


def _triplets(doc: Document) -> list[tuple[Decimal, ...]]:
    """Rows of amounts where two neighbours add up to the third (net, tax, gross)."""
    rows: list[tuple[Decimal, ...]] = []
    for found in doc.amounts:
        values = [a.value for a in found if a.money_like]
        for x, y, z in zip(values, values[1:], values[2:], strict=False):
            if x + y == z and z > 0:
                rows.append((x, y, z))
    return rows
