"""Content-hashed asset names (css/site.<hash>.css), shared by the static site and the dynamic pages.

A hashed name changes whenever the file does, so browsers and CloudFront may keep it for a year; the same
`asset_url()` in both worlds means a pre-rendered page and a dynamic one always ask for the same file.
"""
from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from flask import abort, current_app, has_request_context, request, send_from_directory

# The assets pages link to; everything else under static/ is served under its own name.
ASSETS = ("css/site.css", "js/search.js")
LONG_CACHE = "public, max-age=31536000, immutable"
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{10})(?P<suffix>\.[a-z0-9]+)$")


@functools.lru_cache(maxsize=64)
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def hashed_name(static_folder: Path, name: str) -> str:
    """css/site.css -> css/site.0123456789.css, from the file's content."""
    path = static_folder / name
    digest = _digest(path, path.stat().st_mtime_ns)
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}"


def asset_url(name: str) -> str:
    """The URL of an asset under its content-hashed name (a Jinja global in every template).

    Under a request it keeps the app's mount point (/dev on a bare API Gateway URL); the static site has none.
    """
    root = request.script_root if has_request_context() else ""
    return f"{root}/static/" + hashed_name(Path(current_app.static_folder), name)


def unhashed(static_folder: Path, name: str) -> str | None:
    """The real file behind a hashed name, when the hash is the file's current one; None otherwise."""
    match = _HASHED.match(name)
    if not match:
        return None
    real = f"{match['stem']}{match['suffix']}"
    if real not in ASSETS or hashed_name(static_folder, real) != name:
        return None
    return real


def serve_static(filename: str):
    """Flask's static view, which also answers hashed names, with a year-long cache for those."""
    folder = Path(current_app.static_folder)
    real = unhashed(folder, filename)
    if real is None:
        if _HASHED.match(filename) and not (folder / filename).is_file():
            abort(404)  # an old hash: the page that asked for it is older than the deployed assets
        return send_from_directory(folder, filename)
    response = send_from_directory(folder, real, max_age=31536000)
    response.headers["Cache-Control"] = LONG_CACHE
    return response


def init_app(app) -> None:
    app.jinja_env.globals["asset_url"] = asset_url
    app.view_functions["static"] = serve_static


def site_assets(static_folder: Path) -> list[tuple[str, bytes]]:
    """(bucket key, content) of every hashed asset, for upload beside the pages."""
    return [("static/" + hashed_name(static_folder, name), (static_folder / name).read_bytes()) for name in ASSETS]
