"""The public job board as a static site: rendered with the runtime's templates, published to the site bucket.

Entry points, each handed a runtime (portal/runtime.py):
- `build_site(runtime)`: everything (`flask --app portal site build`);
- `publish_posting(runtime, posting_id)`: the incremental publish after a posting was published, edited, closed
  or expired (the stream pipeline calls it for every posting record);
- `close_expired_postings(runtime)`: closes postings past their valid-through date and publishes them (the
  schedule in portal/lambda_entry.py, `flask --app portal site expire`, and a timer in local mode);
- `rebuild_feeds(runtime)`: Indeed's complete feed again when publishes happened since it was built (the same
  schedule and timer, and `flask --app portal site feeds`).
"""
from __future__ import annotations

from portal import clock


def _publisher(runtime):
    from portal.runtime import STATIC_DIR
    from portal.site import employer
    from portal.site.pages import SiteRenderer
    from portal.site.publisher import SitePublisher

    now = clock.now()
    return SitePublisher(
        postings=runtime.postings,
        state=runtime.site_state,
        bucket=runtime.site_bucket,
        renderer=SiteRenderer(runtime.templates, runtime.settings.public_base_url, now.date(),
                              employer.load(runtime.settings.employer_content)),
        page_size=runtime.settings.page_size,
        static_folder=STATIC_DIR,
        now=now,
    )


def build_site(runtime) -> int:
    """Renders and uploads the whole site; returns the number of objects written."""
    return _publisher(runtime).build()


def publish_posting(runtime, posting_id: str) -> int:
    """Publishes one posting's pages, listings, search chunk and feeds; returns the number of objects written."""
    return _publisher(runtime).publish(posting_id)


def close_expired_postings(runtime) -> int:
    """Closes published postings past their valid-through date and publishes each (which takes it off the feeds).

    The pipeline would publish them too (each close is a write); publishing here as well means expiry works
    without it, and a second publish is harmless.
    """
    from portal.postings import services

    closed = services.close_expired(runtime, clock.now())
    publisher = _publisher(runtime)
    for posting_id in closed:
        publisher.publish(posting_id)
    return len(closed)


def rebuild_feeds(runtime, force: bool = False) -> int:
    """Indeed's complete feed, rebuilt when there were publishes since it was last built; the objects written."""
    return _publisher(runtime).rebuild_feeds(force)
