"""Postings admin: create, edit, preview, publish, close and duplicate, with the public rules next to each field."""
import re

import pytest

from portal.postings.repository import PostingRepository
from tests.helpers import csrf_token


def _form(**overrides) -> dict:
    data = {
        "title": "Remote Chat Support", "team": "north", "category": "customer-service",
        "employment_types": ["PART_TIME"], "workplace": "remote", "remote_states": ["WA", "OR"],
        "hours_min": "20", "hours_max": "29", "shifts": ["day", "evening"], "pay_min": "17.50", "pay_max": "19.00",
        "pay_unit": "HOUR", "benefits_hours": "20", "programmes": ["tuition"], "valid_through": "2030-01-31",
        "description": "Help customers by chat.\n\nPaid training.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _create(client, **overrides):
    return client.post("/admin/postings/new", data={"csrf_token": csrf_token(client), **_form(**overrides)})


def test_a_recruiter_creates_previews_publishes_closes_and_duplicates(signed_in, main_table):
    client = signed_in("north")
    resp = _create(client)
    assert resp.status_code == 303
    posting_id = resp.headers["Location"].rstrip("/").split("/")[-1]
    repo = PostingRepository(main_table)
    assert repo.get(posting_id).status == "draft"
    preview = client.get(f"/admin/postings/{posting_id}/preview")
    assert preview.status_code == 200 and "Remote Chat Support" in preview.get_data(as_text=True)
    assert "TELECOMMUTE" in preview.get_data(as_text=True)
    token = csrf_token(client)
    assert client.post(f"/admin/postings/{posting_id}/publish", data={"csrf_token": token}).status_code == 303
    published = repo.get(posting_id)
    assert published.status == "published" and published.date_posted
    assert posting_id in {p.id for p in repo.list_published(200).items}
    edit = client.post(f"/admin/postings/{posting_id}/", data={"csrf_token": token, **_form(title="Remote Chat Lead")})
    assert edit.status_code == 303 and repo.get(posting_id).title == "Remote Chat Lead"
    assert repo.get(posting_id).status == "published"
    assert client.post(f"/admin/postings/{posting_id}/close", data={"csrf_token": token}).status_code == 303
    assert repo.get(posting_id).status == "closed"
    assert posting_id not in {p.id for p in repo.list_published(200).items}
    copy = client.post(f"/admin/postings/{posting_id}/duplicate", data={"csrf_token": token})
    copy_id = copy.headers["Location"].rstrip("/").split("/")[-1]
    assert copy_id != posting_id and repo.get(copy_id).status == "draft"
    assert repo.get(copy_id).remote_states == ["OR", "WA"]
    assert client.get(f"/admin/postings/{posting_id}/").status_code == 200
    listing = client.get("/admin/postings/").get_data(as_text=True)
    assert "Remote Chat Lead" in listing


@pytest.mark.parametrize("overrides, message", [
    ({"remote_states": None}, "A fully remote job must list the states applicants may live in."),
    ({"pay_min": "21", "pay_max": "19"}, "Pay is a range: the top must be at least the bottom"),
    ({"pay_unit": "FORTNIGHT"}, "Not a valid choice"),
    ({"workplace": "onsite", "zip": "00000"}, "Enter the site&#39;s real five-digit ZIP code"),
    ({"hours_min": "30", "hours_max": "20"}, "The most hours must be at least the fewest"),
    ({"title": ""}, "Enter the job title."),
    # Numbers no person means: past a float's range, a signalling NaN, infinity (each was a 500).
    ({"hours_min": "7" * 501}, "Enter a number, like 20."),
    ({"pay_min": "sNaN"}, "Enter a number, like 20."),
    ({"pay_max": "Infinity"}, "Enter a number, like 20."),
    ({"pay_max": "1e309"}, "Pay is at most"),
])
def test_the_public_rules_are_checked_and_the_form_keeps_what_was_typed(signed_in, overrides, message):
    resp = _create(signed_in("north"), **overrides)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert message in html
    assert 'value="Help customers' in html or "Help customers by chat." in html


def test_an_onsite_posting_gets_its_state_from_the_zip(signed_in, main_table):
    resp = _create(signed_in("north"), workplace="onsite", remote_states=None, site="Kent FC", street="1 Main St",
                   city="", zip="98032")
    assert resp.status_code == 303
    posting_id = resp.headers["Location"].rstrip("/").split("/")[-1]
    posting = PostingRepository(main_table).get(posting_id)
    assert posting.address.state == "WA" and posting.address.city and posting.remote_states == []


def test_a_recruiter_cannot_create_for_another_team(signed_in):
    resp = _create(signed_in("north"), team="south")
    assert resp.status_code == 422 and "Not a valid choice" in resp.get_data(as_text=True)
    assert not re.search(r"south", signed_in("north").get("/admin/postings/new").get_data(as_text=True).lower()
                         .split('name="team"')[1].split("</select>")[0])
