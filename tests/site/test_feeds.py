"""Indeed's XML feed and the RSS feed carry a recruiter's text as text: markup in a posting is never passed on."""
import datetime
import xml.etree.ElementTree as ET

import html5lib
import pytest

from portal.site import feeds
from portal.site.jsonld import job_posting
from tests.factories import make_posting, make_remote_posting

BASE = "https://jobs.example.com"
HOSTILE = ('Pick orders.<script>alert(1)</script>\n\n<a href="javascript:alert(2)" onclick="x()">Apply</a>'
           '<img src=x onerror=alert(3)> ]]> <![CDATA[ & done\n\n=HYPERLINK("http://evil.example")')


def _tags(fragment: str) -> list[str]:
    tree = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    return [element.tag for element in tree.iter() if isinstance(element.tag, str)][1:]


@pytest.mark.parametrize("posting", [make_posting(description=HOSTILE), make_remote_posting(description=HOSTILE)],
                         ids=["on-site", "remote"])
def test_indeed_description_is_the_recruiters_text_in_paragraphs_and_nothing_else(posting):
    source = ET.fromstring(feeds.indeed_head(BASE, datetime.datetime.now(datetime.timezone.utc))
                           + feeds.indeed_jobs(posting, BASE) + feeds.INDEED_TAIL)
    descriptions = [job.findtext("description") for job in source.findall("job")]
    assert descriptions
    for description in descriptions:
        assert _tags(description) == ["p", "p", "p"], "only the feed's own paragraphs are elements"
        text = "".join(html5lib.parseFragment(description, treebuilder="etree").itertext())
        assert "<script>alert(1)</script>" in text and '<a href="javascript:alert(2)"' in text
        assert "]]> <![CDATA[ & done" in text, "CDATA's end marker inside the text neither ends nor breaks it"


def test_json_ld_and_indeed_give_the_same_description():
    posting = make_posting(description=HOSTILE)
    job = ET.fromstring("<source>" + feeds.indeed_jobs(posting, BASE) + "</source>").find("job")
    assert job.findtext("description") == job_posting(posting, BASE)["description"]


def test_a_character_xml_cannot_carry_leaves_the_feeds_readable():
    # The forms refuse these; one stored before they did must not make every job in the feed unreadable.
    posting = make_posting(title="Packer\x00\x1b", description="Pack\x0b boxes.\ufffe")
    job = ET.fromstring("<source>" + feeds.indeed_jobs(posting, BASE) + "</source>").find("job")
    assert job.findtext("title") == "Packer" and job.findtext("description") == "<p>Pack boxes.</p>"
    rss = ET.fromstring(feeds.rss([feeds.search_record(posting)], BASE, datetime.datetime.now(datetime.timezone.utc)))
    assert rss.findtext("channel/item/title") == "Packer"
