"""What the web pages need from the composition root."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebConfig:
    csrf_secret: str
    """Signs the CSRF cookie's token; the same in every API process (derived from the JWT secret)."""
    secure_cookies: bool = False
    """Set the cookies' ``Secure`` flag: on whenever the pages are served over HTTPS."""
    locale: str = "en"
    """How numbers, money and dates are written (a Babel locale name)."""
