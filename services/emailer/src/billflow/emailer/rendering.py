"""The emails' Jinja environments: one for HTML bodies, one for plain text, both with the formats.

Amounts print exactly as on the PDF and the pages (``€1,234.50``): one formatter, one form, so the
total a client reads in the email is the total on the attached invoice, character for character.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from billflow.domain.formatting import Formats

LOCALE = "en"
"""The emails' language until a recipient's own is recorded; amounts and dates follow it."""


@lru_cache(maxsize=16)
def environment(*, html: bool, locale: str = LOCALE) -> Environment:
    env = Environment(
        loader=PackageLoader("billflow.emailer", "templates"),
        # The plain-text body is never read as markup.
        autoescape=select_autoescape(default=True) if html else False,  # noqa: S701
        undefined=StrictUndefined,
    )
    env.filters.update(Formats(locale).filters())
    return env


def one_line(text: str) -> str:
    """Header-safe: control characters (CR, LF, tabs) become spaces."""
    return " ".join("".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text).split())
