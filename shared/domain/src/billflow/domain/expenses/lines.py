"""Lines of positioned tokens, from plain text or from words with boxes.

Labels and values on invoices are best paired by position: a value sits to the right of its
label or under it. Plain text gets character columns as positions, which keeps fixed-width
layouts (text dumps, receipts) working; words from OCR or a PDF text layer are grouped into rows by
their vertical overlap, so a label in one column meets its value in the next.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from statistics import median

from billflow.domain.expenses.reading import Word

_SPACE = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    x0: float
    x1: float
    start: int
    """Offset of the token in its line's ``text``."""


@dataclass(frozen=True, slots=True)
class Line:
    """One row of a page; ``text`` joins the tokens, two spaces where a column gap was."""

    text: str
    tokens: tuple[Token, ...]
    index: int
    page: int

    def tokens_in(self, start: int, end: int) -> list[Token]:
        return [t for t in self.tokens if t.start < end and t.start + len(t.text) > start]

    def span_x(self, start: int, end: int) -> tuple[float, float] | None:
        inside = self.tokens_in(start, end)
        if not inside:
            return None
        return inside[0].x0, inside[-1].x1


def lines_from_text(text: str) -> list[Line]:
    """Split plain text into lines; a token's position is its character column."""
    lines: list[Line] = []
    page = 0
    for raw in text.splitlines():
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", " ")
        parts = [(m.group(), m.start()) for m in _SPACE.finditer(raw)]
        if parts:
            lines.append(_build(parts, len(lines), page, gap=lambda a, b: b - a >= 3))
    return lines


def lines_from_words(words: Sequence[Word]) -> list[Line]:
    """Group words into rows by vertical overlap, page by page, each row read left to right."""
    lines: list[Line] = []
    for page in sorted({w.page for w in words}):
        on_page = [w for w in words if w.page == page and w.text.strip()]
        for row in _rows(on_page):
            parts: list[tuple[str, float, float]] = []
            for word in sorted(row, key=lambda w: w.left):
                parts.extend(_split_word(word))
            height = median(w.bottom - w.top for w in row) or 1.0
            tokens: list[tuple[str, float]] = [(t, x0) for t, x0, _ in parts]
            ends = [x1 for _, _, x1 in parts]
            lines.append(_build(tokens, len(lines), page, gap=_column_gap(height), ends=ends))
    return lines


def _column_gap(height: float) -> Callable[[float, float], bool]:
    """Words further apart than one and a half line heights sit in different columns."""

    def apart(end: float, start: float) -> bool:
        return start - end > 1.5 * height

    return apart


def _rows(words: list[Word]) -> Iterable[list[Word]]:
    rows: list[tuple[float, float, list[Word]]] = []
    for word in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        centre = (word.top + word.bottom) / 2
        if rows and rows[-1][0] <= centre <= rows[-1][1]:
            rows[-1][2].append(word)
            continue
        rows.append((word.top, word.bottom, [word]))
    return (members for _, _, members in rows)


def _split_word(word: Word) -> list[tuple[str, float, float]]:
    """Split a run of text into tokens, placing each in proportion to its characters."""
    text = word.text
    width = (word.right - word.left) / max(len(text), 1)
    return [
        (m.group(), word.left + m.start() * width, word.left + m.end() * width) for m in _SPACE.finditer(text)
    ]


def _build(
    parts: Sequence[tuple[str, float]],
    index: int,
    page: int,
    *,
    gap: Callable[[float, float], bool],
    ends: Sequence[float] | None = None,
) -> Line:
    pieces: list[str] = []
    tokens: list[Token] = []
    offset = 0
    previous_end: float | None = None
    for i, (text, x0) in enumerate(parts):
        x1 = ends[i] if ends is not None else x0 + len(text)
        if previous_end is not None:
            sep = "  " if gap(previous_end, x0) else " "
            pieces.append(sep)
            offset += len(sep)
        tokens.append(Token(text, x0, x1, offset))
        pieces.append(text)
        offset += len(text)
        previous_end = x1
    return Line("".join(pieces), tuple(tokens), index, page)
