"""Static assets in the web app: the request-aware `asset_url` template global, and hashed names served with a
year-long cache (the static site links the same names: portal/site/assets.py)."""
from __future__ import annotations

from flask import abort, has_request_context, request, send_from_directory

from portal.runtime import STATIC_DIR
from portal.site.assets import LONG_CACHE, asset_url as site_asset_url, is_hashed, unhashed
from portal.site.filters import install as install_filters


def asset_url(name: str) -> str:
    """Under a request it keeps the app's mount point (/dev on a bare API Gateway URL)."""
    return site_asset_url(STATIC_DIR, name, request.script_root if has_request_context() else "")


def serve_static(filename: str):
    """Flask's static view, which also answers hashed names, with a year-long cache for those."""
    real = unhashed(STATIC_DIR, filename)
    if real is None:
        if is_hashed(filename) and not (STATIC_DIR / filename).is_file():
            abort(404)  # an old hash: the page that asked for it is older than the deployed assets
        return send_from_directory(STATIC_DIR, filename)
    response = send_from_directory(STATIC_DIR, real, max_age=31536000)
    response.headers["Cache-Control"] = LONG_CACHE
    return response


def init_app(app) -> None:
    app.jinja_env.globals["asset_url"] = asset_url
    install_filters(app.jinja_env)  # the public templates' filters, for pages of the site the app renders too
    app.view_functions["static"] = serve_static
