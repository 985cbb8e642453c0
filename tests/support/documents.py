"""Expense documents made in the test: a clean invoice image, and the bad files of issue 6."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pillow_heif
from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def invoice_png(
    *,
    vendor: str,
    number: str,
    issued: str,
    currency: str,
    subtotal: str,
    tax: str,
    total: str,
    image_format: str = "PNG",
) -> bytes:
    """A plain A5-ish invoice drawn in DejaVu Sans at 150 dpi: what a clean scan looks like."""
    image = Image.new("L", (1240, 1000), 255)
    draw = ImageDraw.Draw(image)
    big, font = ImageFont.truetype(str(FONT), 44), ImageFont.truetype(str(FONT), 30)
    draw.text((80, 70), vendor, font=big, fill=0)
    draw.text((80, 140), "12 Harbour Road, Dublin", font=font, fill=0)
    rows = [
        (f"Invoice number: {number}", 260),
        (f"Invoice date: {issued}", 310),
        ("Bill to: Billflow Demo Ltd", 360),
    ]
    for text, y in rows:
        draw.text((80, y), text, font=font, fill=0)
    draw.text((80, 480), "Consulting services", font=font, fill=0)
    draw.text((860, 480), f"{subtotal} {currency}", font=font, fill=0)
    for label, value, y in (("Subtotal", subtotal, 620), ("VAT 23%", tax, 670), ("Total", total, 740)):
        draw.text((600, y), label, font=font, fill=0)
        draw.text((860, y), f"{value} {currency}", font=font, fill=0)
    out = io.BytesIO()
    if image_format == "HEIF":
        pillow_heif.register_heif_opener()
    image.save(
        out, format=image_format, **({"dpi": (150, 150)} if image_format == "PNG" else {"quality": 90})
    )
    return out.getvalue()


def invoice_page() -> Image.Image:
    """One clean invoice as a grey page image: what the extractor's preparation and page-reader
    tests damage, turn and read."""
    content = invoice_png(
        vendor="Harbour Consulting Ltd",
        number="HC-2026-0042",
        issued="14/03/2026",
        currency="EUR",
        subtotal="1,000.00",
        tax="230.00",
        total="1,230.00",
    )
    return Image.open(io.BytesIO(content)).convert("L")


def truncated_png() -> bytes:
    whole = invoice_png(
        vendor="Cut Off Ltd",
        number="C-1",
        issued="2026-01-02",
        currency="EUR",
        subtotal="1.00",
        tax="0.23",
        total="1.23",
    )
    return whole[: len(whole) // 3]


def zip_bomb() -> bytes:
    """A zip whose one member inflates 1000-fold (100 MB of zeros), to be renamed ``.pdf``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("invoice.pdf", b"\0" * (100 * 1024 * 1024))
    return out.getvalue()


def huge_png(width: int = 20000, height: int = 20000) -> bytes:
    """A valid PNG header claiming width x height 1-bit pixels, with a tiny, truthful body: white
    rows compress to almost nothing, so the bomb fits in a few hundred kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
