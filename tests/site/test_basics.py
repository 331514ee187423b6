"""What every public page has (a meta description, the favicon), and the styled 404 and 410 pages of the app."""
import re

import html5lib
import pytest

from tests.factories import make_posting


@pytest.fixture(scope="module")
def built(site, app):
    posting = make_posting(title="Basics Picker")
    site.put(posting)
    result = app.test_cli_runner().invoke(args=["site", "build"])
    assert result.exit_code == 0, result.output
    return {"site": site, "posting": posting}


def _head(html: str) -> dict:
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    metas = {m.get("name"): m.get("content") for m in tree.iter("meta") if m.get("name")}
    icons = [link.get("href") for link in tree.iter("link") if link.get("rel") == "icon"]
    return {"description": metas.get("description", ""), "icons": icons}


def test_every_public_page_has_its_own_description_and_the_favicon(built):
    site, posting = built["site"], built["posting"]
    seen = {}
    for path in ("/", "/jobs/", "/jobs/remote/", "/jobs/state/", f"/jobs/{posting.id}/", "/404.html"):
        head = _head(site.html(path))
        assert 50 <= len(head["description"]) <= 160, (path, head["description"])
        assert head["icons"] and re.fullmatch(r"/static/favicon\.[0-9a-f]{10}\.svg", head["icons"][0]), path
        seen[path] = head["description"]
    assert seen[f"/jobs/{posting.id}/"].startswith("Basics Picker: ") and "$" in seen[f"/jobs/{posting.id}/"]
    assert seen["/jobs/remote/"] != seen["/jobs/"], "each listing says what it lists"
    icon = site.get(_head(site.html("/"))["icons"][0])
    try:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    finally:
        icon.close()


def test_the_app_answers_a_missing_page_with_the_sites_styled_404_and_the_api_in_json(client):
    page = client.get("/apply/no-such-posting-here")
    assert page.status_code == 404 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "We cannot find that page" in html and 'href="/jobs/"' in html and 'name="robots" content="noindex"' in html
    api = client.get("/api/postings/no-such-posting-here")
    assert api.status_code == 404 and api.is_json and api.get_json()["error"]


def test_gone_is_a_styled_410(runtime):
    from werkzeug.exceptions import Gone

    from portal import create_app

    app = create_app(runtime=runtime)

    @app.get("/test-gone-page")
    def gone():
        raise Gone()

    resp = app.test_client().get("/test-gone-page")
    assert resp.status_code == 410 and "This page has gone" in resp.get_data(as_text=True)
