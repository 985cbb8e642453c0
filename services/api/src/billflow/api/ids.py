"""Ids as callers send them: every record's id is a UUID, written in its canonical form."""

from __future__ import annotations

import uuid


def parse_id(text: str) -> str | None:
    """``text`` as the store writes ids, or None when it is no UUID at all (so no record has it).

    Any spelling ``uuid.UUID`` reads (upper case, braces, no dashes) names the same record.
    """
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None
