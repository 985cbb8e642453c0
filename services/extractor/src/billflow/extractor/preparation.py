"""Preparing a page image for OCR, one step per kind of damage, in the order that measured best.

The order matters (docs/extraction.md): speckle and grain are filtered *before* upscaling, where
a 3x3 window covers one speck rather than a blurred blob; lighting is flattened before the page is
binarised, so a shadow does not become a black slab; the tilt is measured on the cleaned page.
Every step is a function of a grayscale ``numpy`` array to another, so each can be tested alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

Gray = npt.NDArray[Any]
"""An 8-bit grayscale page, as OpenCV hands it back (its stubs do not keep the dtype)."""

MIN_OCR_WIDTH = 1600
"""Narrower pages are upscaled before OCR: Tesseract reads best with capital letters ~30 px high."""


@dataclass(frozen=True, slots=True)
class Recipe:
    """Which steps a preparation takes; the reader tries a second recipe when the first reads badly."""

    name: str
    flatten: bool = True
    denoise: bool = True
    even_light: bool = True
    binarise: bool = False
    width: int = MIN_OCR_WIDTH


FIRST = Recipe("first")
"""What most uploads need: flattened, denoised, upscaled, lighting evened, straightened."""
SECOND = Recipe("second", binarise=True, width=2200)
"""For a poor first reading: binarised adaptively and upscaled further."""


def prepare(
    image: Image.Image, *, max_pixels: int, recipe: Recipe = FIRST, seconds: dict[str, float] | None = None
) -> Image.Image:
    """The page ready for Tesseract: grayscale, never more than ``max_pixels``.

    ``seconds``, when given, receives the wall time of each step (for the benchmark's breakdown).
    """
    return finish(clean(image, recipe, seconds), max_pixels=max_pixels, recipe=recipe, seconds=seconds)


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A page after :func:`clean`, and whether denoising found grain (its paper is whitened later)."""

    gray: Gray
    mottled: bool = False


def clean(image: Image.Image, recipe: Recipe = FIRST, seconds: dict[str, float] | None = None) -> Cleaned:
    """The first half of :func:`prepare`: grayscale, flattened, denoised, at the size it came.

    Two recipes that flatten and denoise alike can share it (the page reader's second pass does).
    """
    lap = _Lap(seconds, recipe.name)
    gray: Gray = np.asarray(image.convert("L"), dtype=np.uint8)
    lap("grayscale")
    if recipe.flatten:
        gray = flatten_perspective(gray)
        lap("flatten")
    mottled = False
    if recipe.denoise and noisy(gray):
        lap("noisy")
        mottled = grainy(cv2.medianBlur(gray, 3))
        gray = denoise(gray)
        lap("denoise")
    lap("noisy")
    return Cleaned(gray, mottled)


def finish(
    cleaned: Cleaned, *, max_pixels: int, recipe: Recipe = FIRST, seconds: dict[str, float] | None = None
) -> Image.Image:
    """The second half of :func:`prepare`: upscaled, lighting evened, paper whitened when it was
    grainy, binarised, straightened."""
    lap = _Lap(seconds, recipe.name)
    gray = upscale(cleaned.gray, width=recipe.width, max_pixels=max_pixels)
    lap("upscale")
    if recipe.even_light and unevenly_lit(gray):
        lap("uneven")
        gray = even_lighting(gray)
        lap("even_light")
    lap("uneven")
    if cleaned.mottled:
        gray = whiten_paper(gray)
        lap("whiten")
    if recipe.binarise:
        gray = binarise(gray)
        lap("binarise")
    gray = straighten(gray)
    lap("straighten")
    return Image.fromarray(gray)


class _Lap:
    """Adds the time since the previous lap to ``seconds[f"{prefix}.{step}"]`` (nothing if None)."""

    def __init__(self, seconds: dict[str, float] | None, prefix: str) -> None:
        self._seconds = seconds
        self._prefix = prefix
        self._last = time.perf_counter()

    def __call__(self, step: str) -> None:
        if self._seconds is None:
            return
        now = time.perf_counter()
        key = f"{self._prefix}.{step}"
        self._seconds[key] = self._seconds.get(key, 0.0) + now - self._last
        self._last = now


def noisy(gray: Gray) -> bool:
    """Speckled (dark or light dots with no neighbour of their kind: ink strokes are connected)
    or grainy (pixels far from their 3x3 median on average: a clean page differs only along
    its strokes' edges)."""
    return isolated_dots(gray) > 0.002 or float(np.mean(cv2.absdiff(gray, cv2.medianBlur(gray, 3)))) > 4.5


def isolated_dots(gray: Gray) -> float:
    """The share of pixels that are a dot of ink (or of paper) alone among its eight neighbours."""
    share = 0.0
    for dots in (gray < 100, gray > 180):
        dots8 = dots.astype(np.uint8)
        neighbours = cv2.boxFilter(dots8, cv2.CV_16U, (3, 3), normalize=False) - dots8
        share += float(np.mean(dots & (neighbours == 0)))
    return share


def unevenly_lit(gray: Gray) -> bool:
    """The paper's brightness varies by more than 40 grey levels across the page."""
    small = cv2.resize(gray, None, fx=0.125, fy=0.125, interpolation=cv2.INTER_AREA)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    low, high = np.percentile(paper, [5, 95])
    return float(high - low) > 40


def denoise(gray: Gray) -> Gray:
    """Speckles removed (a 3x3 median), then what grain remains smoothed, edges kept.

    The median alone turns isolated dots into nothing and leaves strokes two pixels or wider
    alone; only grainy pages (a high-frequency residue above a few grey levels) get the
    non-local-means pass, which costs about a tenth of a second per megapixel.
    """
    cleaned: Gray = cv2.medianBlur(gray, 3)
    if grainy(cleaned):
        cleaned = cv2.fastNlMeansDenoising(cleaned, None, h=12, templateWindowSize=3, searchWindowSize=9)
    return cleaned


def grainy(despeckled: Gray) -> bool:
    """Grain left after the median: a high-frequency residue above a few grey levels."""
    return float(np.mean(cv2.absdiff(despeckled, cv2.GaussianBlur(despeckled, (3, 3), 0)))) > 2.5


def upscale(gray: Gray, *, width: int = MIN_OCR_WIDTH, max_pixels: int) -> Gray:
    """Pages narrower than ``width`` enlarged (cubic), never beyond ``max_pixels``."""
    height, current = gray.shape
    if current >= width:
        return gray
    factor = min(width / current, (max_pixels / (current * height)) ** 0.5)
    if factor <= 1.05:
        return gray
    size = (int(current * factor), int(height * factor))  # rounded down: within max_pixels
    resized: Gray = cv2.resize(gray, size, interpolation=cv2.INTER_CUBIC)
    return resized


def even_lighting(gray: Gray) -> Gray:
    """Shadows and uneven lighting divided out: each pixel over the paper's brightness around it.

    The paper is estimated by closing (a grey dilation wipes out the ink, then erosion restores
    the size) with a window wider than any stroke, then blurred; dark ink on any shade of paper
    comes out as dark ink on white.
    """
    size = max(15, (gray.shape[1] // 40) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    paper = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, kernel)
    paper = cv2.GaussianBlur(paper, (0, 0), size / 2)
    flat: Gray = cv2.divide(gray, np.maximum(paper, 1), scale=255)
    return flat


def whiten_paper(gray: Gray) -> Gray:
    """The paper made white and the ink dark, by a stretch between the two.

    What denoising leaves of grain is a mottle of pale grey blotches, and blurred ink is grey
    too; Tesseract's layout analysis takes such blotches for text (whole columns of amounts were
    lost among them). The paper is the median pixel (most of a page is paper), the ink the
    darkest half percent; everything paler than 30 % of the way from the paper to the ink
    becomes white, the ink is stretched to black. Grey levels in between keep their order, so
    Tesseract still binarises the strokes itself. ``prepare`` runs it on grainy pages only: a
    speckled page's median leaves clean paper, and whitening it cost dates on the speckle suite.
    """
    paper = float(np.median(gray))
    ink = float(np.percentile(gray, 0.5))
    if paper - ink < 40:  # nothing like ink on paper: leave it alone
        return gray
    white = paper - 0.3 * (paper - ink)
    stretched = (gray.astype(np.float32) - ink) * (255.0 / (white - ink))
    out: Gray = np.clip(stretched, 0, 255).astype(np.uint8)
    return out


def binarise(gray: Gray) -> Gray:
    """Black ink on white by a threshold local to each region (Gaussian-weighted, 1/50 of the width)."""
    block = max(15, (gray.shape[1] // 50) | 1)
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    binary: Gray = cv2.adaptiveThreshold(
        smooth, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15
    )
    return binary


def straighten(gray: Gray, *, limit: float = 5.0) -> Gray:
    """Turned so the text rows are horizontal, when the tilt is 0.2 degrees or more."""
    angle = skew_angle(gray, limit=limit)
    return rotate(gray, angle) if abs(angle) >= 0.2 else gray


def rotate(gray: Gray, angle: float) -> Gray:
    """Turned ``angle`` degrees counter-clockwise, the canvas grown to keep the corners, white fill.

    Pillow's bicubic rotation rather than OpenCV's: on the corpus's degraded pages Tesseract read
    one more total from it (the two differ only in how they interpolate).
    """
    image = Image.fromarray(gray).rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return np.asarray(image, dtype=np.uint8)


def skew_angle(gray: Gray, *, limit: float = 5.0) -> float:
    """The rotation (degrees) that lines the text up with the rows, by projection profile.

    Text lines straight across the page make the row-by-row darkness vary most; each candidate
    angle is tried on a small copy (about 800 px wide), coarse steps first, then finer ones.
    """
    scale = min(1.0, 800 / gray.shape[1])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    height, width = ink.shape
    centre = (width / 2, height / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(ink, matrix, (width, height), flags=cv2.INTER_NEAREST, borderValue=(0,))
        rows = turned.sum(axis=1, dtype=np.float64)
        return float(np.var(rows))

    best = max((a / 2 for a in range(int(-2 * limit), int(2 * limit) + 1)), key=sharpness)
    return max((best + a / 10 for a in range(-4, 5)), key=sharpness)


def flatten_perspective(gray: Gray) -> Gray:
    """A photographed page cut out of its background and squared, when its four corners are found.

    The page is the largest bright four-sided shape covering at least a quarter of the picture,
    with the table showing beyond each of its corners; a scan or a render (the page is the whole
    picture), or a page lit unevenly (its bright half touches the edges), is returned as it is.
    """
    corners = page_corners(gray)
    if corners is None:
        return gray
    top_left, top_right, bottom_right, bottom_left = corners
    width = round(max(np.linalg.norm(top_right - top_left), np.linalg.norm(bottom_right - bottom_left)))
    height = round(max(np.linalg.norm(bottom_left - top_left), np.linalg.norm(bottom_right - top_right)))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    flat: Gray = cv2.warpPerspective(gray, matrix, (width, height), flags=cv2.INTER_CUBIC, borderValue=(255,))
    return flat


def page_corners(gray: Gray) -> npt.NDArray[np.float32] | None:
    """The page's corners (top-left, top-right, bottom-right, bottom-left), or None."""
    scale = min(1.0, 600 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, page = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Close the text into the page, so the page is one solid shape.
    page = cv2.morphologyEx(page, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    contours, _ = cv2.findContours(page, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(outline)
    whole = small.shape[0] * small.shape[1]
    if not 0.25 * whole <= area <= 0.93 * whole:
        return None
    quad = cv2.approxPolyDP(outline, 0.02 * cv2.arcLength(outline, True), True)
    if len(quad) != 4 or not cv2.isContourConvex(quad):
        return None
    inside = quad.reshape(4, 2)
    height, width = small.shape
    margin = 0.01 * max(height, width)
    if (
        np.any(inside < margin)
        or np.any(inside[:, 0] > width - 1 - margin)
        or np.any(inside[:, 1] > height - 1 - margin)
    ):
        return None
    points = inside.astype(np.float32) / scale
    by_sum = points.sum(axis=1)
    by_diff = np.diff(points, axis=1).ravel()
    ordered = [
        points[np.argmin(by_sum)],
        points[np.argmin(by_diff)],
        points[np.argmax(by_sum)],
        points[np.argmax(by_diff)],
    ]
    return np.array(ordered, dtype=np.float32)
