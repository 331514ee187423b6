"""schema.org JobPosting markup as Google reads it, and its safe embedding in a <script> element."""
from __future__ import annotations

import json

from markupsafe import Markup

from portal import geo
from portal.postings.models import REMOTE, Posting
from portal.site.assets import asset_url

ORGANIZATION = "Flexwork Jobs"
LOGO = "logo.svg"  # under static/, one of the site's ASSETS (portal/site/assets.py)


def logo_url(base_url: str) -> str:
    """The absolute URL of the logo under its content-hashed name, as the site publishes it."""
    from portal.runtime import STATIC_DIR

    return base_url + asset_url(STATIC_DIR, LOGO)


def job_posting(posting: Posting, base_url: str) -> dict:
    """The JobPosting of an open posting.

    Only a fully remote role is TELECOMMUTE, and it always names where applicants must live (the states, or the
    whole country when it names none). Hybrid and on-site roles give the workplace's address.
    """
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": posting.title,
        "description": description_html(posting.description),
        "datePosted": posting.date_posted,
        "hiringOrganization": {"@type": "Organization", "name": ORGANIZATION, "sameAs": base_url + "/",
                               "logo": logo_url(base_url)},
        "identifier": {"@type": "PropertyValue", "name": ORGANIZATION, "value": posting.id},
        "url": f"{base_url}/jobs/{posting.id}/",
        "employmentType": list(posting.employment_types),
        "directApply": True,
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "USD",
            "value": {"@type": "QuantitativeValue", "minValue": float(posting.pay_min),
                      "maxValue": float(posting.pay_max), "unitText": posting.pay_unit},
        },
    }
    if posting.valid_through:
        data["validThrough"] = f"{posting.valid_through}T23:59:59Z"
    if posting.workplace == REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = (
            [{"@type": "State", "name": geo.state_name(s)} for s in posting.remote_states]
            or [{"@type": "Country", "name": "USA"}]
        )
    elif posting.address is not None:
        address = posting.address
        data["jobLocation"] = {
            "@type": "Place",
            "address": {"@type": "PostalAddress", "streetAddress": address.street, "addressLocality": address.city,
                        "addressRegion": address.state, "postalCode": address.zip, "addressCountry": "US"},
        }
    return data


def description_html(text: str) -> str:
    """A recruiter's plain-text description as the HTML that Google and Indeed read: one <p> per paragraph and
    every character of the text escaped, so markup typed into a posting is shown as text, never run."""
    return "".join(f"<p>{_html_text(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def script_json(data: dict) -> Markup:
    """JSON for inside <script>: <, > and & as \\u escapes, so no text can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)
