"""The applicant's own IP address behind CloudFront, for the per-IP rate limits.

Behind CloudFront and API Gateway, REMOTE_ADDR is an edge server's address, shared by everyone near it: the
per-IP limit would then stop strangers for each other. The distribution's viewer function sends the viewer's
address as X-Viewer-Ip, and CloudFront adds X-Origin-Verify to every request it sends to the API: a token derived
from SECRET_KEY (`flask --app portal origin-token` prints it for the stack's OriginVerifyToken parameter). The
address is believed only with that token, so nobody calling API Gateway directly can choose which address the
limit counts; both headers are removed before the app sees the request.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress


def origin_token(secret_key: str) -> str:
    return hmac.new(secret_key.encode(), b"cloudfront-origin-verify", hashlib.sha256).hexdigest()


class ViewerAddress:
    """WSGI middleware: REMOTE_ADDR becomes the viewer's address when CloudFront vouches for it."""

    def __init__(self, wsgi_app, secret_key: str):
        self.wsgi_app = wsgi_app
        self.token = origin_token(secret_key).encode()

    def __call__(self, environ, start_response):
        viewer_ip = environ.pop("HTTP_X_VIEWER_IP", "").strip()
        presented = environ.pop("HTTP_X_ORIGIN_VERIFY", "").encode()
        if viewer_ip and hmac.compare_digest(presented, self.token):
            try:
                environ["REMOTE_ADDR"] = str(ipaddress.ip_address(viewer_ip))
            except ValueError:
                pass  # not an address: keep the connection's
        return self.wsgi_app(environ, start_response)
