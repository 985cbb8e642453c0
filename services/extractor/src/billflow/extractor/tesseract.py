"""Tesseract OCR, run as Debian's ``tesseract`` binary in a subprocess."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess

from PIL import Image

from billflow.domain.errors import TransientFailure, UnreadableDocument
from billflow.domain.expenses import Word


class TesseractOcr:
    """Words and their boxes from one page image, via ``tesseract stdin stdout tsv``.

    The binary runs with ``OMP_THREAD_LIMIT=1``: Tesseract's own threads slow it down when several
    pages or workers share a few cores. A page that takes longer than ``timeout_s`` is a
    ``TransientFailure`` (the process is killed); a page Tesseract rejects is ``UnreadableDocument``.
    """

    def __init__(
        self, *, binary: str = "tesseract", languages: str = "eng", psm: int = 3, timeout_s: float = 60.0
    ) -> None:
        self._binary = binary
        self._languages = languages
        self._psm = psm
        self._timeout_s = timeout_s

    async def words(self, image: Image.Image, *, page: int = 0) -> list[Word]:
        png = await asyncio.to_thread(_png, image)
        try:
            process = await asyncio.create_subprocess_exec(
                self._binary, "stdin", "stdout", "-l", self._languages, "--psm", str(self._psm), "tsv",
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )  # fmt: skip
        except FileNotFoundError as e:
            raise TransientFailure(f"the OCR engine {self._binary!r} is not installed") from e
        try:
            out, err = await asyncio.wait_for(process.communicate(png), self._timeout_s)
        except TimeoutError as e:
            process.kill()
            await process.wait()
            raise TransientFailure(f"OCR took longer than {self._timeout_s:.0f} s") from e
        if process.returncode != 0:
            raise UnreadableDocument(f"OCR failed: {err.decode(errors='replace').strip()[:200]}")
        return parse_tsv(out.decode("utf-8", errors="replace"), page=page)


def parse_tsv(tsv: str, *, page: int = 0) -> list[Word]:
    """Tesseract's TSV output (level 5 rows are words) as domain words."""
    words: list[Word] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        left, top = int(row["left"]), int(row["top"])
        words.append(Word(text, left, top, left + int(row["width"]), top + int(row["height"]), page))
    return words


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
