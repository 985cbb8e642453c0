"""The kind of an upload by its magic bytes: the domain's pure rule, re-exported for the readers."""

from billflow.domain.expenses.sniff import sniff_media_type

__all__ = ["sniff_media_type"]
