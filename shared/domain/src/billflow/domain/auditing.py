"""What an audit entry says about a write: the fields that changed, and never a secret.

Business rules:
- A change lists only the fields whose value differs between the record before and after the
  write; a new record lists every field it was created with (old None), a removed one every field
  it had (new None).
- Secrets never reach the trail. A field is dropped when any word of its name (split on ``_``) is
  one of ``SECRET_WORDS`` (``password_hash``, ``key``, ``client_secret``, ``access_token``...), and
  a value that looks like one of Billflow's own credentials (``bf_...`` API keys, ``whsec_...``
  webhook secrets) is written as ``[redacted]`` whatever its field is called. This is the one
  place that decides it: every write reaches the trail through ``changes``.
- Values are written as JSON: exact amounts and dates as strings (as the API writes them),
  enumerations by value, nested records as objects. A use case whose record is mostly nested
  records (the company: address, contact, ...) passes ``flattened`` records instead, so a change
  names the inner fields that changed (``address.city``) rather than both whole objects.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Final

from billflow.domain.model.audit import FieldChange, JsonValue

SECRET_WORDS: Final = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "secrets",
        "token",
        "tokens",
        "key",
        "keys",
        "hash",
        "digest",
        "credential",
        "credentials",
    }
)
CREDENTIAL_PREFIXES: Final = ("bf_", "whsec_")
REDACTED: Final = "[redacted]"


def is_secret_field(name: str) -> bool:
    """Whether a field of this name may hold a secret (and so never appears in the trail); a
    flattened name (``bank.api_key``) is split on its dots too."""
    return any(word in SECRET_WORDS for word in name.lower().replace(".", "_").split("_"))


def json_value(value: Any) -> JsonValue:
    """``value`` as the trail stores it."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return REDACTED if value.startswith(CREDENTIAL_PREFIXES) else value
    if isinstance(value, Enum):
        return json_value(value.value)
    if isinstance(value, Decimal | date | datetime):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dict(_fields(value))
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items() if not is_secret_field(str(k))}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_value(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def _fields(record: Any) -> dict[str, JsonValue]:
    if record is None:
        return {}
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        raw = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    elif isinstance(record, Mapping):
        raw = dict(record)
    else:
        raise TypeError(f"cannot audit a {type(record).__name__}")
    return {str(k): json_value(v) for k, v in raw.items() if not is_secret_field(str(k))}


def flattened(record: Any) -> dict[str, JsonValue]:
    """``record``'s fields as the trail writes them, each nested record's fields spelled out as
    ``outer.inner`` (secrets dropped); an absent nested record stays one None field. ``{}`` for
    None, so ``changes(flattened(a), flattened(b))`` lists only the inner fields that differ."""
    out: dict[str, JsonValue] = {}

    def walk(name: str, value: JsonValue) -> None:
        if isinstance(value, dict) and value:
            for inner, v in value.items():
                walk(f"{name}.{inner}", v)
        else:
            out[name] = value

    for name, value in _fields(record).items():
        walk(name, value)
    return out


def changes(before: Any, after: Any) -> dict[str, FieldChange]:
    """The fields that differ between ``before`` and ``after`` (records: dataclasses or mappings;
    None for "did not exist"), secrets dropped."""
    old, new = _fields(before), _fields(after)
    return {
        name: FieldChange(old.get(name), new.get(name))
        for name in [*old, *(n for n in new if n not in old)]
        if old.get(name) != new.get(name)
    }
