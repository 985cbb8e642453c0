"""A cheap look at which way a page's text runs, before paying for Tesseract's orientation detection.

Text lines make the ink's row-by-row profile swing between lines and gaps; across the lines
(column by column) the ink is spread more evenly. On a page turned 90 or 270 degrees it is the
other way round. Measured on the degradation suite's prepared pages (docs/extraction.md, "Time
per page"): upright and upside-down pages 1.2-9.7, sideways pages 0.1-0.64. A profile cannot
tell upright from upside down; the page reader leaves that to the first reading's confidence.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

SIDEWAYS_BELOW = 0.85
"""The rows' swing over the columns' under which the text is taken to run up or down the page."""


def row_column_ratio(image: Image.Image) -> float:
    """How much more the ink varies row by row than column by column, inside the inked area."""
    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    scale = min(1.0, 800 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if len(ys) == 0:
        return 1.0
    ink = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    return _swing(ink.sum(axis=1)) / max(_swing(ink.sum(axis=0)), 1e-9)


def looks_sideways(image: Image.Image) -> bool:
    """The page's text seems to run up or down (turned 90 or 270 degrees)."""
    return row_column_ratio(image) < SIDEWAYS_BELOW


def _swing(profile: npt.NDArray[Any]) -> float:
    values = profile.astype(np.float64)
    return float(np.std(values) / max(float(np.mean(values)), 1e-9))
