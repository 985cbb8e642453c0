"""Reading HTML forms: values as typed, and a message beside each field that needs one.

Form fields carry the domain's field names (``hourly_rate``, ``period_start``...), so an
``InvalidInput`` raised by a use case lands beside the field it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from billflow.api.ids import parse_id
from billflow.domain.errors import InvalidInput


class FieldError(Exception):
    """A value the page could not even read (not a number, not a date)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Form:
    """What the person typed, and what is wrong with it, field by field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Form:
        return cls(values={k: str(v) for k, v in data.items() if not k.startswith("_")})

    def get(self, name: str) -> str:
        """The value without surrounding blanks (``values`` keeps it as typed, for passwords)."""
        return self.values.get(name, "").strip()

    def text(self, name: str, label: str) -> str:
        value = self.get(name)
        if not value:
            self.errors[name] = f"Enter {label}."
        return value

    def reference(self, name: str, label: str) -> str:
        """The id of a record picked from a list; a value no list offers cannot exist."""
        value = self.get(name)
        if not value:
            self.errors[name] = f"Choose {label}."
        elif (parsed := parse_id(value)) is not None:
            return parsed
        else:
            self.errors[name] = f"Choose {label} from the list."
        return value

    def decimal(self, name: str, example: str) -> Decimal | None:
        raw = self.get(name).replace(",", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.errors[name] = f"Enter a number, like {example}."
            return None
        if not value.is_finite():
            self.errors[name] = f"Enter a number, like {example}."
            return None
        return value

    def whole(self, name: str, example: str) -> int | None:
        """A whole number, like a count of days."""
        raw = self.get(name)
        if not raw.isdigit():
            self.errors[name] = f"Enter a whole number, like {example}."
            return None
        return int(raw)

    def optional(self, name: str) -> str | None:
        """Text that may be left empty (None then)."""
        return self.get(name) or None

    def day(self, name: str) -> date | None:
        try:
            return date.fromisoformat(self.get(name))
        except ValueError:
            self.errors[name] = "Enter a date as YYYY-MM-DD."
            return None

    def reject(self, error: InvalidInput, default_field: str) -> None:
        """Put a use case's InvalidInput beside its field (or the form's first, when it names none)."""
        name = error.field if error.field in self.values else default_field
        self.errors[name] = sentence(error.detail)

    @property
    def ok(self) -> bool:
        return not self.errors


def sentence(detail: str) -> str:
    """A domain message as a sentence for people: ``period_end is before period_start`` ->
    ``Period end is before period start.``"""
    text = detail.replace("_", " ")
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
