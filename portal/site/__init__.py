"""The public job board as a static site: rendered with the app's templates, published to the site bucket.

Entry points (each inside a Flask app context):
- `build_site()`: everything (`flask --app portal site build`);
- `publish_posting(posting_id)`: the incremental publish after a posting was published, edited, closed or
  expired (the stream pipeline calls it for every posting record);
- `close_expired_postings()`: closes postings past their valid-through date and publishes them (a Zappa
  scheduled event, `flask --app portal site expire`, and a timer in local mode).
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from portal import clock


def init_app(app) -> None:
    from portal.site import assets, cli

    assets.init_app(app)
    cli.init_app(app)


def base_url() -> str:
    return current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"


def site_s3():
    """The app's S3 client, which writes the site bucket."""
    from portal.aws import resources

    return resources().client("s3")


def _publisher():
    from portal import storage
    from portal.site.bucket import SiteBucket
    from portal.site.pages import SiteRenderer
    from portal.site.publisher import SitePublisher
    from portal.site.state import SiteStateRepository

    now = clock.now()
    cfg = current_app.config
    return SitePublisher(
        postings=storage.postings(),
        state=SiteStateRepository(storage.main_table()),
        bucket=SiteBucket(site_s3(), cfg["SITE_BUCKET"]),
        renderer=SiteRenderer(current_app.jinja_env, base_url(), now.date()),
        page_size=cfg["PAGE_SIZE"],
        static_folder=Path(current_app.static_folder),
        now=now,
    )


def build_site() -> int:
    """Renders and uploads the whole site; returns the number of objects written."""
    return _publisher().build()


def publish_posting(posting_id: str) -> int:
    """Publishes one posting's pages, listings, search chunk and feeds; returns the number of objects written."""
    return _publisher().publish(posting_id)


def close_expired_postings() -> int:
    """Closes published postings past their valid-through date and publishes each (which takes it off the feeds).

    The pipeline would publish them too (each close is a write); publishing here as well means expiry works
    without it, and a second publish is harmless.
    """
    from portal import storage
    from portal.postings import services

    closed = services.close_expired(storage.postings(), clock.now())
    publisher = _publisher()
    for posting_id in closed:
        publisher.publish(posting_id)
    return len(closed)
