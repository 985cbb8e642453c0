"""Errors on the pages: a message a person can act on, never a stack trace.

An ended session goes back to the login page (htmx requests are told to go there with
``HX-Redirect``); everything else is an error page with the status the REST API would answer.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER
from markupsafe import Markup

from billflow.api.problems import STATUS_OF
from billflow.api.web.session import FormExpired, SessionEnded, end_session, login_url
from billflow.domain.errors import DomainError, Forbidden, NotFound
from billflow.platform.observability import correlation_id

log = logging.getLogger(__name__)

_TITLES = {
    400: "That address is not quite right",
    403: "Not allowed",
    404: "Not found",
    409: "That cannot be done now",
    422: "That cannot be done",
    429: "Too many requests",
    503: "Billflow is briefly unavailable",
}


def error_page(request: Request[Any, Any, Any], status: int, message: str) -> Response[Any]:
    if request.headers.get("hx-request"):
        # A fragment that failed: say so where the fragment would have gone.
        html = Markup('<p class="notice notice-error" role="alert">{}</p>').format(message)
        return Response(html, status_code=200, media_type="text/html")
    return Template(
        "error.html",
        context={"title": _TITLES.get(status, "Something went wrong"), "message": message},
        status_code=status,
    )


def not_authorized(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    ended = isinstance(exc, SessionEnded)
    target = login_url(request.url.path if request.method == "GET" else None, ended=ended)
    response: Response[Any]
    if request.headers.get("hx-request"):
        response = Response("", status_code=200, headers={"HX-Redirect": target})
    else:
        response = Redirect(target, status_code=HTTP_303_SEE_OTHER)
    end_session(response)
    return response


_FORBIDDEN = "Your role may not open this page or take this action."


def forbidden(request: Request[Any, Any, Any], exc: PermissionDeniedException | Forbidden) -> Response[Any]:
    """A guard's refusal and a use case's (``Forbidden``) read the same."""
    if isinstance(exc, FormExpired):
        return error_page(request, 403, exc.detail)
    return error_page(request, 403, _FORBIDDEN)


def not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    detail = exc.detail if isinstance(exc, NotFound) else "There is no such page."
    return error_page(request, 404, detail[:1].upper() + detail[1:] + ".")


def domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    status = next((s for cls, s, _ in STATUS_OF if isinstance(exc, cls)), 500)
    if status == 500:
        log.error("unmapped domain error", exc_info=exc)
        return error_page(request, 500, _INTERNAL)
    return error_page(request, status, exc.detail[:1].upper() + exc.detail[1:] + ".")


def invalid_address(request: Request[Any, Any, Any], _: ValidationException) -> Response[Any]:
    return error_page(request, 400, "A value in the address is not one this page understands.")


UPLOAD_PATH = "/app/expenses"
"""The upload form: a body over the route's limit is refused before the page sees it, so its
message goes beside the file input (by a redirect back) instead of on an error page."""


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code == 413 and request.method == "POST" and request.url.path == UPLOAD_PATH:
        return Redirect(f"{UPLOAD_PATH}?error=too-large", status_code=HTTP_303_SEE_OTHER)
    if exc.status_code >= 500:
        return unexpected(request, exc)
    return error_page(request, exc.status_code, exc.detail)


_INTERNAL = "Something went wrong on our side. It has been logged; please try again in a moment."


def unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("unhandled error on a page", exc_info=exc)
    return error_page(request, 500, f"{_INTERNAL} (Reference: {correlation_id.get() or 'none'}.)")


HANDLERS: dict[type[Exception] | int, Any] = {
    NotAuthorizedException: not_authorized,
    PermissionDeniedException: forbidden,
    NotFoundException: not_found,
    NotFound: not_found,
    Forbidden: forbidden,
    DomainError: domain_error,
    ValidationException: invalid_address,
    HTTPException: http_error,
    Exception: unexpected,
}
