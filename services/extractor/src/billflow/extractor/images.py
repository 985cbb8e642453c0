"""Opening uploaded images safely, and preparing pages for OCR."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from billflow.domain.errors import DocumentTooLarge, UnreadableDocument
from billflow.extractor.limits import ReadingLimits

MIN_OCR_WIDTH = 1600
"""Narrower pages are upscaled before OCR: Tesseract reads best with capital letters ~30 px high."""


def open_image(content: bytes, limits: ReadingLimits) -> Image.Image:
    """Decode an uploaded PNG or JPEG, refusing it before decoding when it has too many pixels.

    Pillow reads only the header on ``open``, so the size check happens before any large
    allocation; Pillow's own bomb guard stays on as a second line.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            if image.width * image.height > limits.max_pixels:
                size = f"{image.width}x{image.height}"
                raise DocumentTooLarge(f"image of {size} pixels is over the {limits.max_pixels} pixel limit")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise DocumentTooLarge("image has too many pixels to read safely") from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise UnreadableDocument("the image is damaged or truncated") from e
    transposed = ImageOps.exif_transpose(image)
    return transposed if transposed is not None else image


def prepare_for_ocr(image: Image.Image, *, max_pixels: int, median: bool = False) -> Image.Image:
    """Grayscale, straightened, small pages upscaled (never beyond ``max_pixels``), optionally
    a median filter.

    Measured on the corpus (docs/extraction.md): straightening matters most, because labels and
    values are paired by rows and a 2 degree tilt moves a row's far end by several lines.
    """
    gray = image.convert("L")
    angle = skew_angle(gray)
    if abs(angle) >= 0.2:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if gray.width < MIN_OCR_WIDTH:
        factor = min(MIN_OCR_WIDTH / gray.width, (max_pixels / (gray.width * gray.height)) ** 0.5)
        if factor > 1.05:
            gray = gray.resize(
                (round(gray.width * factor), round(gray.height * factor)), Image.Resampling.LANCZOS
            )
    if median:
        gray = gray.filter(ImageFilter.MedianFilter(3))
    return gray


def skew_angle(gray: Image.Image, *, limit: float = 5.0) -> float:
    """The rotation (degrees) that lines the text up with the rows, by projection profile.

    Text lines straight across the page make the row-by-row darkness vary most; each candidate
    angle is tried on a small copy (about 800 px wide), coarse steps first, then finer ones.
    """
    scale = min(1.0, 800 / gray.width)
    small = gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))))
    small = small.point(lambda v: 255 if v < 160 else 0)  # ink as bright

    def sharpness(angle: float) -> float:
        turned = small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
        rows = turned.resize((1, small.height), Image.Resampling.BOX).tobytes()
        mean = sum(rows) / len(rows)
        return sum((r - mean) ** 2 for r in rows)

    best = max((a / 2 for a in range(int(-2 * limit), int(2 * limit) + 1)), key=sharpness)
    return max((best + a / 10 for a in range(-4, 5)), key=sharpness)
