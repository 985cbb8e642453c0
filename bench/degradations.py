"""Kinds of damage real uploads carry, applied to a clean page render one at a time or combined.

Every function takes a grayscale page rendered at 200 dpi and a seeded ``random.Random`` and
returns the damaged page; :func:`damage` applies a named kind and encodes the result as an upload
(JPEG where the kind involves compression, PNG otherwise).
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

RENDER_DPI = 200
KINDS = (
    "dpi150", "dpi100", "speckle", "grain", "blur", "jpeg", "tilt", "turn90", "perspective",
    "lighting", "combined",
)  # fmt: skip


def _array(page: Image.Image) -> np.ndarray:
    return np.asarray(page.convert("L"), dtype=np.float32)


def _image(pixels: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def resolution(page: Image.Image, dpi: int) -> Image.Image:
    """As scanned at ``dpi``: fewer pixels, the size the file really has."""
    factor = dpi / RENDER_DPI
    return page.resize((round(page.width * factor), round(page.height * factor)), Image.Resampling.BOX)


def speckle(page: Image.Image, rng: random.Random) -> Image.Image:
    """Salt and pepper, as a fax or a dusty scanner leaves: 1-3 % of the pixels."""
    pixels = _array(page)
    noise = np.random.default_rng(rng.randrange(2**32)).random(pixels.shape)
    share = rng.uniform(0.01, 0.03)
    pixels[noise < share / 2] = 0
    pixels[noise > 1 - share / 2] = 255
    return _image(pixels)


def grain(page: Image.Image, rng: random.Random) -> Image.Image:
    """Gaussian sensor grain, sigma 12-25 grey levels."""
    pixels = _array(page)
    sigma = rng.uniform(12, 25)
    return _image(pixels + np.random.default_rng(rng.randrange(2**32)).normal(0, sigma, pixels.shape))


def blur(page: Image.Image, rng: random.Random) -> Image.Image:
    """Out of focus: a Gaussian blur of radius 1-1.8 px at 200 dpi."""
    sigma = rng.uniform(1.0, 1.8)
    return _image(cv2.GaussianBlur(_array(page), (0, 0), sigma))


def tilt(page: Image.Image, rng: random.Random) -> Image.Image:
    """Placed crooked on the scanner: 1-5 degrees either way."""
    angle = rng.uniform(1.0, 5.0) * rng.choice((-1, 1))
    return page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def turn90(page: Image.Image, rng: random.Random) -> Image.Image:
    """Photographed sideways or upside down: 90, 180 or 270 degrees."""
    return page.rotate(rng.choice((90, 180, 270)), expand=True)


def perspective(page: Image.Image, rng: random.Random) -> Image.Image:
    """A photo taken at an angle: the page a quadrilateral on a darker table, with a margin."""
    pixels = _array(page)
    h, w = pixels.shape
    margin = 0.12
    out_w, out_h = round(w * (1 + 2 * margin)), round(h * (1 + 2 * margin))
    jitter = [rng.uniform(0.0, 0.07) for _ in range(8)]
    corners = np.array(
        [
            [margin * w + jitter[0] * w, margin * h + jitter[1] * h],
            [(1 + margin) * w - jitter[2] * w, margin * h + jitter[3] * h],
            [(1 + margin) * w - jitter[4] * w, (1 + margin) * h - jitter[5] * h],
            [margin * w + jitter[6] * w, (1 + margin) * h - jitter[7] * h],
        ],
        dtype=np.float32,
    )
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners)
    table = rng.uniform(40, 110)
    warped = cv2.warpPerspective(pixels, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=table)
    return _image(warped)


def lighting(page: Image.Image, rng: random.Random) -> Image.Image:
    """A lamp to one side and the phone's shadow: brightness falling to 45-65 % across the page."""
    pixels = _array(page)
    h, w = pixels.shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (x / w - 0.5) * np.cos(angle) + (y / h - 0.5) * np.sin(angle) + 0.5
    darkest = rng.uniform(0.45, 0.65)
    gain = 1 - (1 - darkest) * np.clip(ramp, 0, 1)
    cx, cy, radius = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h, rng.uniform(0.15, 0.3) * w
    shadow = 1 - 0.3 * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * radius**2))
    return _image(pixels * gain * shadow)


def jpeg(page: Image.Image, rng: random.Random) -> bytes:
    """Saved as JPEG at quality 40-70."""
    out = io.BytesIO()
    page.convert("L").save(out, format="JPEG", quality=rng.randint(40, 70))
    return out.getvalue()


def png(page: Image.Image) -> bytes:
    out = io.BytesIO()
    page.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def combined(page: Image.Image, rng: random.Random) -> bytes:
    """What a phone photo or a fax of it sends: 150 dpi, tilted, blurred a little, grain, shadow,
    speckle, JPEG."""
    page = resolution(page, 150)
    page = lighting(page, rng)
    page = tilt(page, rng)
    page = _image(cv2.GaussianBlur(_array(page), (0, 0), rng.uniform(0.5, 0.9)))
    page = grain(page, rng)
    page = speckle(page, random.Random(rng.random()))
    return jpeg(page, rng)


_PAGE: dict[str, Callable[[Image.Image, random.Random], Image.Image]] = {
    "speckle": speckle,
    "grain": grain,
    "blur": blur,
    "tilt": tilt,
    "turn90": turn90,
    "perspective": perspective,
    "lighting": lighting,
}


def damage(page: Image.Image, kind: str, seed: int) -> bytes:
    """``page`` (a 200 dpi render) with one named kind of damage, encoded as an upload."""
    rng = random.Random(seed)
    if kind == "clean":
        return png(page)
    if kind.startswith("dpi"):
        return png(resolution(page, int(kind[3:])))
    if kind == "jpeg":
        return jpeg(page, rng)
    if kind == "combined":
        return combined(page, rng)
    return png(_PAGE[kind](page, rng))
