"""Security headers on every response, and the access check before every request."""

from flask import request

from netzwerk.auth.permissions import enforce_access

# Everything is served from this host: no inline scripts or styles, no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static":
        # pages are personal or carry tokens: keep them out of shared caches and the back button (a view that
        # chose its own, such as the calendar feeds answering 304, keeps it)
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app) -> None:
    app.before_request(enforce_access)
    app.after_request(set_security_headers)
