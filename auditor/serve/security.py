"""Who may use the page: localhost binds only, or an access token; forms carry a CSRF token.

Why: the page receives lists of residents. Reachable from the network it must
not be open to anyone, and a hostile site must not be able to post to it from
the clerk's browser.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Request

LOCAL_HOSTS = frozenset(("127.0.0.1", "localhost", "::1"))
CSRF_COOKIE = "auditor_csrf"
TOKEN_COOKIE = "auditor_token"


class BindError(ValueError):
    """A network-reachable bind without an access token."""


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS or host.startswith("127.")


def check_bind(host: str, token: str | None) -> None:
    """Refuse to listen beyond this computer unless every request must carry a token."""
    if not is_local(host) and not token:
        raise BindError(
            f"监听 {host} 会让局域网内的人访问本页面，必须用 --token 设置访问口令 "
            "(binding beyond localhost requires --token)"
        )


def new_token() -> str:
    return secrets.token_urlsafe(24)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def presented_token(request: Request) -> str | None:
    """Access token from ?token=, the Authorization header or the cookie set on first visit."""
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        return auth[7:].strip()
    return request.args.get("token") or request.cookies.get(TOKEN_COOKIE)


def is_browser(request: Request) -> bool:
    """Browsers send Origin / Sec-Fetch-* / cookies; scripts such as curl send none of them."""
    return any(h in request.headers for h in ("Origin", "Sec-Fetch-Site", "Cookie", "Referer"))


def csrf_ok(request: Request) -> bool:
    """A browser POST must come from this page (same origin) and echo the form's CSRF token.

    curl and other scripts send no browser headers: they cannot be tricked by a
    hostile page, so the scriptable `curl -F file=@… /scan` works without a token.
    """
    if not is_browser(request):
        return True
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        return False
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return False
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token")
    return same(sent, request.cookies.get(CSRF_COOKIE))
