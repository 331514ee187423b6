"""The machine-readable outputs: search index records, the RSS feed, Indeed's XML job feed and sitemaps."""
from __future__ import annotations

import datetime
import email.utils
from xml.sax.saxutils import escape

from portal import geo
from portal.postings.models import CATEGORIES, EMPLOYMENT_TYPES, REMOTE, Posting
from portal.site.jsonld import ORGANIZATION

# Pay in the index is an hourly equivalent, so "at least $18 an hour" compares like with like (40-hour weeks).
HOURS_PER_UNIT = {"HOUR": 1, "WEEK": 40, "MONTH": 173.33, "YEAR": 2080}


def search_record(posting: Posting) -> dict:
    """One posting in the search index: short keys, only what the filters and the result cards need."""
    hours_per_unit = HOURS_PER_UNIT.get(posting.pay_unit, 1)
    return {
        "i": posting.id,
        "t": posting.title,
        "w": posting.workplace,
        "e": list(posting.employment_types),
        "c": posting.category,
        "s": posting.address.state if posting.workplace != REMOTE and posting.address else "",
        "r": list(posting.remote_states),
        "sh": list(posting.shifts),
        "h": [posting.hours_min, posting.hours_max],
        "p": round(float(posting.pay_min) / hours_per_unit, 2),
        "d": posting.date_posted,
        "l": posting.location_label,
        "el": posting.employment_label,
        "pl": posting.pay_label,
        "hl": posting.hours_label,
        "sl": posting.shifts_label,
        "v": posting.valid_through,
    }


def _rfc822(day: str) -> str:
    moment = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.timezone.utc)
    return email.utils.format_datetime(moment, usegmt=True)


def _rss_item(r: dict, base_url: str) -> str:
    link = f"{base_url}/jobs/{escape(r['i'])}/"
    summary = escape(f"{r['l']}. {r['el']}. {r['pl']}, {r['hl']}.")
    return (f"<item><title>{escape(r['t'])}</title><link>{link}</link>"
            f'<guid isPermaLink="true">{link}</guid><pubDate>{_rfc822(r["d"])}</pubDate>'
            f"<description>{summary}</description></item>")


def rss(records: list[dict], base_url: str, now: datetime.datetime) -> str:
    """RSS 2.0 of the newest open jobs, from their search records."""
    items = "".join(_rss_item(r, base_url) for r in records)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{ORGANIZATION}: newest jobs</title><link>{base_url}/jobs/</link>"
        f'<atom:link href="{base_url}/feeds/jobs.xml" rel="self" type="application/rss+xml"/>'
        "<description>Part-time, remote and fulfillment-centre jobs, newest first.</description>"
        f"<language>en-us</language><lastBuildDate>{email.utils.format_datetime(now, usegmt=True)}</lastBuildDate>"
        f"{items}</channel></rss>\n"
    )


def _cdata(text: str) -> str:
    # Line breaks become spaces (none of these values depends on them), so each <job> is one line of a part.
    text = str(text).replace("\r", " ").replace("\n", " ")
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


INDEED_KEY = "feeds/indeed.xml"


def indeed_reference(posting_id: str) -> str:
    """What identifies a posting's line in the Indeed feed (values are CDATA, so no value can contain it)."""
    return f"<referencenumber>{_cdata(posting_id)}</referencenumber>"


def indeed_job(p: Posting, base_url: str) -> str:
    """One <job> element of Indeed's XML feed, on one line (every value in CDATA, as Indeed asks)."""
    fields = [
        ("title", p.title),
        ("date", f"{p.date_posted}T00:00:00Z"),
        ("referencenumber", p.id),
        ("requisitionid", p.id),
        ("url", f"{base_url}/jobs/{p.id}/"),
        ("company", ORGANIZATION),
        ("sourcename", ORGANIZATION),
        ("city", p.address.city if p.address and p.workplace != REMOTE else ""),
        ("state", p.address.state if p.address and p.workplace != REMOTE else ""),
        ("country", "US"),
        ("postalcode", p.address.zip if p.address and p.workplace != REMOTE else ""),
        ("streetaddress", p.address.street if p.address and p.workplace != REMOTE else ""),
        ("description", "".join(f"<p>{para}</p>" for para in p.description.split("\n\n") if para.strip())),
        ("salary", p.pay_label),
        ("jobtype", ", ".join(EMPLOYMENT_TYPES.get(t, t).lower() for t in p.employment_types)),
        ("category", CATEGORIES.get(p.category, p.category)),
        ("expirationdate", f"{p.valid_through}T23:59:59Z" if p.valid_through else ""),
    ]
    if p.workplace == REMOTE:
        fields.append(("remotetype", "Fully remote"))
        fields.append(("remotelocation", ", ".join(geo.state_name(s) for s in p.remote_states) or "United States"))
    elif p.workplace == "hybrid":
        fields.append(("remotetype", "Hybrid remote"))
    return "<job>" + "".join(f"<{name}>{_cdata(value)}</{name}>" for name, value in fields if value) + "</job>\n"


def _indeed_head(base_url: str, now: datetime.datetime) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<source>\n'
            f"<publisher>{ORGANIZATION}</publisher>\n<publisherurl>{base_url}/</publisherurl>\n"
            f"<lastBuildDate>{email.utils.format_datetime(now, usegmt=True)}</lastBuildDate>\n")


_HEAD_END = b"</lastBuildDate>\n"
_TAIL = "</source>\n"


def indeed_document(jobs: list[str], base_url: str, now: datetime.datetime) -> str:
    """The whole feed: a few header lines, then one line per <job>."""
    return _indeed_head(base_url, now) + "".join(jobs) + _TAIL


def indeed_patched(document: bytes, posting_id: str, job: str, base_url: str, now: datetime.datetime) -> bytes:
    """The feed `document` with the posting's <job> line swapped for `job`, or dropped when `job` is empty.

    Works on the bytes, a few slices of the document and no parsing: the feed holds every open job, so this
    runs on megabytes at every publish. Each job is one line, and its reference cannot occur inside a value.
    """
    head_end = document.find(_HEAD_END)
    if head_end < 0 or not document.endswith(_TAIL.encode()):
        body = b""  # no feed yet (or not one of ours): start it
    else:
        body = document[head_end + len(_HEAD_END):-len(_TAIL)]
    reference = indeed_reference(posting_id).encode()
    while (at := body.find(reference)) >= 0:
        start, end = body.rfind(b"\n", 0, at) + 1, body.find(b"\n", at) + 1
        body = body[:start] + body[end or len(body):]
    return b"".join([_indeed_head(base_url, now).encode(), body, job.encode(), _TAIL.encode()])


def sitemap(urls: list[tuple[str, str]]) -> str:
    """A sitemap of (absolute URL, last-modified date or "")."""
    entries = "".join(
        f"<url><loc>{escape(url)}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>\n"
        for url, lastmod in urls
    )
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n')


def sitemap_index(urls: list[str]) -> str:
    entries = "".join(f"<sitemap><loc>{escape(url)}</loc></sitemap>\n" for url in urls)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n')
