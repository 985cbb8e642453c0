"""The interactive API docs (Swagger UI), served with a pinned copy of its assets from the API itself.

Litestar's render plugins load their JavaScript from a CDN (Scalar at an unpinned "latest"): offline
the page is blank, and every release of that script would run in an admin's browser with the
admin's token. The ``swagger-ui-bundle-v2`` distribution ships one exact Swagger UI release as
package data; its version is pinned in constraints.txt like any other dependency, so what the page
runs changes only with a reviewed upgrade (decision 0029).
"""

from __future__ import annotations

from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]  # ships no types

ASSETS_PATH = "/docs/assets"


def render_plugin() -> SwaggerRenderPlugin:
    """Swagger UI at /docs (and /docs/swagger, its address before), every asset from ASSETS_PATH."""
    return SwaggerRenderPlugin(
        path=["/", "/swagger"],
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/favicon-32x32.png'>",
    )


def assets_router() -> ControllerRouterHandler:
    """The static route of the assets (public, like the docs page; cached by browsers for a day)."""
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[str(swagger_ui_path)],
        name="docs-assets",
        cache_control=CacheControlHeader(max_age=86_400),
        include_in_schema=False,
    )
