"""The security headers of every response, written once: the app sends them (portal/web), local mode's one-origin
server adds them to the site bucket's pages, and CloudFront's ResponseHeadersPolicy (infra/template.yaml) sends
the same values in production, which tests/deploy/test_template.py checks."""
from __future__ import annotations

from urllib.parse import urlsplit

# Two years, the preload list's minimum; only over HTTPS, so never in local mode (plain http on loopback).
HSTS = "max-age=63072000; includeSubDomains"
# Not no-referrer: over HTTPS, flask-wtf's CSRF check refuses a form POST that has no same-origin Referer.
REFERRER_POLICY = "same-origin"


def content_security_policy(upload_origin: str = "") -> str:
    """Scripts, styles and everything else from this origin only; no inline script or style, no framing.

    ``upload_origin`` is the résumé bucket's, which the apply form's script (connect-src) and the status page's
    plain form (form-action) POST to. JSON-LD and the apply form's posting data are data blocks, not scripts.
    """
    bucket = f" {upload_origin}" if upload_origin else ""
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
            f"connect-src 'self'{bucket}; form-action 'self'{bucket}; frame-ancestors 'none'; base-uri 'none'; "
            "object-src 'none'")


def security_headers(local_mode: bool, upload_origin: str = "") -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(upload_origin),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
        "Referrer-Policy": REFERRER_POLICY,
    }
    if not local_mode:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def origin_of(url: str) -> str:
    """``https://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
