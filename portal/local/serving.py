"""Local mode and tests: one origin that serves the site bucket like CloudFront does, and the dynamic paths from Flask.

Never used on Lambda (CloudFront routes there, infra/template.yaml).
"""
from __future__ import annotations

from werkzeug.wrappers import Request, Response

from portal.headers import security_headers
from portal.site.pages import key_of

# The paths CloudFront sends to API Gateway, plus what only local mode has (/static is also in the bucket).
SITE_HEADERS = security_headers(local_mode=True)
DYNAMIC_PREFIXES = ("/apply", "/applications", "/admin", "/api", "/healthz", "/static", "/dev")


NOT_FOUND_KEY = "404.html"


class SiteDispatcher:
    """WSGI: dynamic paths to the app; every other GET reads the object at the same path from the site bucket."""

    def __init__(self, app, bucket):
        self.app = app
        self.bucket = bucket  # a portal.site.bucket.SiteBucket

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        if path.startswith(DYNAMIC_PREFIXES):
            return self.app(environ, start_response)
        response = self._from_bucket(Request(environ))
        response.headers.update(SITE_HEADERS)  # what CloudFront's ResponseHeadersPolicy adds (no HSTS on http)
        return response(environ, start_response)

    def _from_bucket(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("Method not allowed", status=405, headers={"Allow": "GET, HEAD"})
        found = self.bucket.get(key_of(request.path))
        if found is None and not request.path.endswith("/") and self.bucket.get(key_of(request.path + "/")):
            return Response(status=301, headers={"Location": request.path + "/"})
        if found is None:  # what CloudFront's CustomErrorResponses send (infra/template.yaml)
            page = self.bucket.get(NOT_FOUND_KEY)
            return Response(page["body"] if page else b"Not found", status=404,
                            content_type=page["content_type"] if page else "text/plain; charset=utf-8")
        response = Response(found["body"], content_type=found["content_type"])
        if found["cache_control"]:
            response.headers["Cache-Control"] = found["cache_control"]
        return response


def site_dispatcher(app):
    """The dispatcher for this app's site bucket (the runtime's, which the app holds)."""
    return SiteDispatcher(app, app.extensions["portal"].site_bucket)
