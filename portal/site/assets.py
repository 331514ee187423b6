"""Content-hashed asset names (css/site.<hash>.css), shared by the static site and the dynamic pages.

A hashed name changes whenever the file does, so browsers and CloudFront may keep it for a year; the same
`asset_url()` in both worlds means a pre-rendered page and a dynamic one always ask for the same file.
"""
from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

# The assets pages link to; everything else under static/ is served under its own name.
ASSETS = ("css/site.css", "js/search.js", "favicon.svg", "logo.svg")
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


def asset_url(static_folder: Path, name: str, root: str = "") -> str:
    """The URL of an asset under its content-hashed name; ``root`` is the app's mount point (/dev on a bare API
    Gateway URL), which the static site has none of."""
    return f"{root}/static/" + hashed_name(static_folder, name)


def is_hashed(name: str) -> bool:
    return _HASHED.match(name) is not None


def unhashed(static_folder: Path, name: str) -> str | None:
    """The real file behind a hashed name, when the hash is the file's current one; None otherwise."""
    match = _HASHED.match(name)
    if not match:
        return None
    real = f"{match['stem']}{match['suffix']}"
    if real not in ASSETS or hashed_name(static_folder, real) != name:
        return None
    return real


def site_assets(static_folder: Path) -> list[tuple[str, bytes]]:
    """(bucket key, content) of every hashed asset, for upload beside the pages."""
    return [("static/" + hashed_name(static_folder, name), (static_folder / name).read_bytes()) for name in ASSETS]
