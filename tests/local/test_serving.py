"""One origin, as CloudFront has it: the site bucket at its paths, the dynamic paths from Flask, hashed assets."""
import re

from portal import headers
from tests.factories import make_posting


def test_bucket_objects_are_served_at_their_paths_with_their_headers(site):
    posting = make_posting()
    site.put(posting)
    site.build()
    resp = site.get("/jobs/")
    assert resp.status_code == 200 and resp.content_type == "text/html; charset=utf-8"
    assert resp.headers["Cache-Control"].startswith("public, max-age=")
    assert site.get("/").status_code == 200
    assert site.get(f"/jobs/{posting.id}/").status_code == 200
    assert site.get("/jobs").status_code == 301 and site.get("/jobs").headers["Location"] == "/jobs/"
    missing = site.get("/nothing/here/")
    assert missing.status_code == 404 and "We cannot find that page" in missing.get_data(as_text=True), (
        "the site's own 404 page, as CloudFront sends it")
    robots = site.get("/robots.txt")
    assert robots.content_type.startswith("text/plain")
    assert re.search(r"^Sitemap: https?://\S+/sitemap\.xml$", robots.get_data(as_text=True), re.M)
    assert site.client.post("/jobs/").status_code == 405
    for path in ("/jobs/", "/nothing/here/", "/jobs"):  # as CloudFront's ResponseHeadersPolicy sends them
        sent = site.get(path).headers
        assert sent["Content-Security-Policy"] == headers.content_security_policy()
        assert sent["X-Content-Type-Options"] == "nosniff" and sent["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in sent, "local mode is plain http"


def test_dynamic_paths_go_to_the_app(site):
    assert site.get("/healthz").get_json() == {"status": "ok"}
    assert site.get("/admin/login").status_code == 200


def test_dynamic_pages_and_the_site_link_the_same_hashed_assets(site, client):
    site.build()
    static_css = re.search(r'href="(/static/css/site\.[0-9a-f]{10}\.css)"', site.html("/jobs/")).group(1)
    dynamic = client.get("/admin/login").get_data(as_text=True)
    assert f'href="{static_css}"' in dynamic
    with client.get(static_css) as served:
        assert served.status_code == 200 and "immutable" in served.headers["Cache-Control"]
        assert served.content_type.startswith("text/css")
    assert client.get("/static/css/site.0000000000.css").status_code == 404
    with client.get("/static/css/site.css") as plain:
        assert plain.status_code == 200
