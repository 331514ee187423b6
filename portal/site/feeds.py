"""The machine-readable outputs: search index records, the RSS feed, Indeed's XML job feed and sitemaps."""
from __future__ import annotations

import datetime
import email.utils
import re
from xml.sax.saxutils import escape as _escape

from portal.postings.models import CATEGORIES, EMPLOYMENT_TYPES, REMOTE, Posting
from portal.site.jsonld import ORGANIZATION, description_html

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


# Characters XML 1.0 cannot carry, even in CDATA. The forms refuse them, but one in a stored posting must not
# make a whole feed unreadable, so they are dropped here too.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def escape(text: str) -> str:
    return _escape(_NOT_XML.sub("", str(text)))


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
    text = _NOT_XML.sub("", str(text)).replace("\r", " ").replace("\n", " ")
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


INDEED_KEY = "feeds/indeed.xml"
REMOTE_CITY = "Remote"


def indeed_jobs(p: Posting, base_url: str) -> str:
    """The posting's <job> elements in Indeed's XML feed, one line each, every value in CDATA as Indeed asks.

    Indeed asks for a city, a state and a country on every job, and for a job offered in several locations one
    <job> per location, each with its own reference number. A fully remote role is therefore one <job> per
    state its applicants may live in: city "Remote", that state, a reference of ``<id>-<state>`` and the
    posting's id as the requisition id (the one role behind them), so Indeed shows it to the people who can take
    it. On-site and hybrid roles are one <job> at the site's address.
    """
    common = [
        ("title", p.title),
        ("date", f"{p.date_posted}T00:00:00Z"),
        ("requisitionid", p.id),
        ("url", f"{base_url}/jobs/{p.id}/"),
        ("company", ORGANIZATION),
        ("sourcename", ORGANIZATION),
    ]
    rest = [
        ("description", description_html(p.description)),
        ("salary", p.pay_label),
        ("jobtype", ", ".join(EMPLOYMENT_TYPES.get(t, t).lower() for t in p.employment_types)),
        ("category", CATEGORIES.get(p.category, p.category)),
        ("expirationdate", f"{p.valid_through}T23:59:59Z" if p.valid_through else ""),
    ]
    if p.workplace == REMOTE:
        return "".join(_job([("referencenumber", f"{p.id}-{state.lower()}"), *common, ("city", REMOTE_CITY),
                             ("state", state), ("country", "US"), *rest, ("remotetype", "Fully remote")])
                       for state in p.remote_states)
    address = p.address
    where = [("city", address.city if address else ""), ("state", address.state if address else ""),
             ("country", "US"), ("postalcode", address.zip if address else ""),
             ("streetaddress", address.street if address else "")]
    remote = [("remotetype", "Hybrid remote")] if p.workplace == "hybrid" else []
    return _job([("referencenumber", p.id), *common, *where, *rest, *remote])


def _job(fields: list[tuple[str, str]]) -> str:
    return "<job>" + "".join(f"<{name}>{_cdata(value)}</{name}>" for name, value in fields if value) + "</job>\n"


def indeed_head(base_url: str, now: datetime.datetime) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<source>\n'
            f"<publisher>{ORGANIZATION}</publisher>\n<publisherurl>{base_url}/</publisherurl>\n"
            f"<lastBuildDate>{email.utils.format_datetime(now, usegmt=True)}</lastBuildDate>\n")


INDEED_TAIL = "</source>\n"


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
