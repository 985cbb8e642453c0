"""PlaywrightPdfRenderer: the domain's PdfRenderer and CreditNoteRenderer on one long-lived
headless Chromium.

One browser per process, launched once and relaunched only if it dies, in a context with
JavaScript disabled, offline, and a route that aborts every request, so an invoice can neither
run code nor fetch anything, whatever text it carries.

Pages are pooled: a render borrows an open page, replaces its whole document with the invoice and
prints it. Opening a page per render starts a renderer process each time, which cost more CPU
than the rendering itself (bench/render_engine.py, docs/benchmarks.md). A page that fails is
closed rather than returned, and each page is replaced after ``RENDERS_PER_PAGE`` renders so that
whatever a long-lived renderer accumulates stays bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from contextlib import AsyncExitStack

from playwright.async_api import Browser, BrowserContext, Error, Page, Playwright, Route, async_playwright

from billflow.domain.errors import TransientFailure
from billflow.domain.model import CreditNote, Invoice
from billflow.pdf_worker.document import credit_note_html, invoice_html

log = logging.getLogger(__name__)

# Chromium's own background traffic (updates, sync, field trials) has nowhere to go here and no
# business in a renderer anywhere.
_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-extensions",
]


RENDERS_PER_PAGE = 500


def find_chromium(configured: str | None) -> str | None:
    """The configured executable, else the system's Chromium, else None (Playwright's own)."""
    return configured or shutil.which("chromium") or shutil.which("chromium-browser")


async def _block(route: Route) -> None:
    await route.abort("blockedbyclient")


class PlaywrightPdfRenderer:
    def __init__(self, executable: str | None, timeout_seconds: float = 30.0) -> None:
        self._executable = executable
        self._timeout = timeout_seconds
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._lock = asyncio.Lock()
        self._idle: list[tuple[Page, int]] = []
        """Open pages waiting for a render, with how many renders each has done."""

    async def start(self, stack: AsyncExitStack) -> None:
        self._playwright = await stack.enter_async_context(async_playwright())
        await self._launch()
        stack.push_async_callback(self._close)

    async def _launch(self) -> None:
        assert self._playwright is not None
        self._browser = await self._playwright.chromium.launch(
            executable_path=self._executable, args=_ARGS, headless=True
        )
        self._context = await self._browser.new_context(java_script_enabled=False, offline=True)
        await self._context.route("**/*", _block)
        self._idle = []  # pages of a browser that died died with it
        log.info("chromium started", extra={"version": self._browser.version})

    async def _close(self) -> None:
        if self._browser is not None and self._browser.is_connected():
            await self._browser.close()

    @property
    def ready(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    async def _ensure_browser(self) -> BrowserContext:
        async with self._lock:
            if not self.ready:
                log.warning("chromium is gone; relaunching")
                await self._launch()
            assert self._context is not None
            return self._context

    async def render(self, invoice: Invoice) -> bytes:
        return await self._print(invoice_html(invoice))

    async def render_credit_note(self, note: CreditNote) -> bytes:
        return await self._print(credit_note_html(note))

    async def _print(self, html: str) -> bytes:
        context = await self._ensure_browser()
        try:
            return await asyncio.wait_for(self._render(context, html), timeout=self._timeout)
        except (Error, TimeoutError) as e:
            raise TransientFailure(f"rendering failed: {type(e).__name__}") from e

    async def _render(self, context: BrowserContext, html: str) -> bytes:
        page, renders = self._idle.pop() if self._idle else (await context.new_page(), 0)
        reusable = False
        try:
            await page.set_content(html, wait_until="load")
            pdf = await page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
            reusable = renders + 1 < RENDERS_PER_PAGE and page.context is self._context
            return pdf
        finally:
            if reusable:
                self._idle.append((page, renders + 1))
            else:
                with contextlib.suppress(Error):
                    await page.close()
