"""How much of a document a reader will take on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReadingLimits:
    max_bytes: int = 10 * 1024 * 1024
    """The upload limit; the API answers 413 above it, the reader refuses too."""
    max_pixels: int = 40_000_000
    """Per image or rendered page (an A4 page at 200 dpi is 3.7 million): stops decompression bombs."""
    max_pages: int = 5
    """Pages read from a PDF; later pages are ignored and the result says ``truncated``."""
    dpi: int = 200
    """Rendering resolution for OCR; on the test corpus 200 dpi read better than 300."""
    ocr_timeout_s: float = 60.0
