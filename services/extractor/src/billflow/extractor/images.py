"""Opening uploaded images safely: PNG, JPEG, WebP and HEIC (what phones send by default).

HEIC is decoded by pillow-heif's Pillow plugin, registered on the first image opened.
"""

from __future__ import annotations

import functools
import io
import warnings

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from billflow.domain.errors import DocumentTooLarge, UnreadableDocument
from billflow.extractor.limits import ReadingLimits


@functools.cache
def _register_heif() -> None:
    pillow_heif.register_heif_opener()


def open_image(content: bytes, limits: ReadingLimits) -> Image.Image:
    """Decode an uploaded PNG, JPEG, WebP or HEIC image, refused before decoding when too many pixels.

    Pillow reads only the header on ``open``, so the size check happens before any large
    allocation; Pillow's own bomb guard stays on as a second line.
    """
    _register_heif()
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
