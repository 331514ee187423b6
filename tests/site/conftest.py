"""Fixtures for the static site: the module's app and stack, the site bucket, and a client that browses it."""
from __future__ import annotations

import json
import re

import boto3
import html5lib
import pytest
from werkzeug.test import Client

from portal.postings.repository import PostingRepository
from portal.site import build_site, publish_posting
from portal.site.serving import site_dispatcher


class Site:
    """The built site as a visitor and as the bucket see it."""

    def __init__(self, app, stack):
        self.app = app
        self.bucket = stack["SiteBucketName"]
        self.s3 = boto3.client("s3")
        self.client = Client(site_dispatcher(app))
        self.repo = PostingRepository(boto3.resource("dynamodb").Table(stack["MainTableName"]))

    def build(self) -> int:
        with self.app.app_context():
            return build_site()

    def publish(self, posting_id: str) -> int:
        with self.app.app_context():
            return publish_posting(posting_id)

    def put(self, *postings) -> None:
        self.repo.put_many(list(postings))

    def get(self, path: str):
        return self.client.get(path)

    def html(self, path: str) -> str:
        resp = self.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return resp.get_data(as_text=True)

    def keys(self) -> set[str]:
        found, token = set(), None
        while True:
            kwargs = {"Bucket": self.bucket, **({"ContinuationToken": token} if token else {})}
            resp = self.s3.list_objects_v2(**kwargs)
            found |= {o["Key"] for o in resp.get("Contents", [])}
            if not resp.get("IsTruncated"):
                return found
            token = resp["NextContinuationToken"]

    def search_ids(self) -> set[str]:
        manifest = json.loads(self.html("/jobs/search.json"))
        return {record["i"] for url in manifest["chunks"] for record in json.loads(self.html(url))}

    def listing_ids(self, path: str = "/jobs/") -> list[str]:
        """Every posting id on a listing, following "Older jobs" links from its front page."""
        ids, url = [], path
        while url:
            html = self.html(url)
            ids += card_ids(html)
            older = re.search(r'href="([^"]+)" rel="next"', html)
            url = older.group(1) if older else None
        return ids


def card_ids(html: str) -> list[str]:
    return re.findall(r'<li class="card">\s*<h2><a href="/jobs/([^/"]+)/"', html)


def jsonld_blocks(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def parse_errors(html: str) -> list:
    """WHATWG parse errors (html5lib): unclosed or misnested elements, bad attributes, a missing doctype."""
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(html)
    return parser.errors


@pytest.fixture(scope="module")
def site(app, stack) -> Site:
    return Site(app, stack)
