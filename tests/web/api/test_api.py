"""The JSON API through the test client; every response is validated against /api/openapi.json."""
import uuid

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate as validate_spec

from portal.applications import resumes
from portal.postings.repository import PostingRepository
from tests.factories import make_posting, make_remote_posting


@pytest.fixture(scope="module")
def postings(main_table):
    found = [make_posting(title="API Picker", team="fulfillment-west"),
             make_remote_posting(title="API Remote Agent", team="customer-service")]
    PostingRepository(main_table).put_many(found)
    return found


@pytest.fixture(scope="module")
def spec(app):
    document = app.test_client().get("/api/openapi.json").get_json()
    validate_spec(document)
    return document


def check(spec, path, method, resp):
    """The response's status is documented for this operation and its body matches the documented schema."""
    operation = spec["paths"][path][method]
    assert str(resp.status_code) in operation["responses"], resp.status_code
    schema = operation["responses"][str(resp.status_code)]["content"]["application/json"]["schema"]
    OAS30Validator(schema).validate(resp.get_json())
    return resp.get_json()


def body(postings, **overrides):
    data = {"posting_ids": [p.id for p in postings], "name": "Api Person", "email": "api.person@example.com",
            "phone": "206 555 0147", "zip": "98101", "hours_min": 20, "hours_max": 30, "shifts": ["day", "night"],
            "workplace": "onsite", "consent": True, "student": True, "term_start": "2027-01-10",
            "term_end": "2027-05-20", "programmes": ["tuition"]}
    data.update(overrides)
    return data


def key():
    return uuid.uuid4().hex


def test_postings_list_and_one_posting(client, spec, postings):
    listed = check(spec, "/api/postings", "get", client.get("/api/postings"))
    assert {p["title"] for p in listed["postings"]} >= {"API Picker", "API Remote Agent"}
    one = check(spec, "/api/postings/{posting_id}", "get", client.get(f"/api/postings/{postings[1].id}"))
    assert one["remote_states"] == ["WA", "OR", "TX"] and one["is_open"] is True
    check(spec, "/api/postings/{posting_id}", "get", client.get("/api/postings/nope"))
    check(spec, "/api/postings", "get", client.get("/api/postings?cursor=forged"))


def test_applying_twice_with_one_key_gives_one_submission_and_a_status(client, spec, postings):
    headers = {"Idempotency-Key": key()}
    first = check(spec, "/api/applications", "post", client.post("/api/applications", json=body(postings),
                                                                  headers=headers))
    again = client.post("/api/applications", json=body(postings), headers=headers)
    assert again.status_code == 200 and check(spec, "/api/applications", "post", again) == first
    status = check(spec, "/api/applications/{token}", "get", client.get(f"/api/applications/{first['status_token']}"))
    assert [(a["posting_title"], a["rank"], a["stage_label"]) for a in status["applications"]] == \
        [("API Picker", 1, "Applied"), ("API Remote Agent", 2, "Applied")]
    assert first["status_url"] == f"/applications/{first['status_token']}"
    check(spec, "/api/applications/{token}", "get", client.get("/api/applications/unknown"))


def test_a_key_sent_again_with_another_body_is_refused_and_shows_nothing_of_the_first(client, spec, postings):
    headers = {"Idempotency-Key": key()}
    first = check(spec, "/api/applications", "post", client.post("/api/applications", json=body(postings),
                                                                  headers=headers))
    other = client.post("/api/applications", json=body(postings, name="Someone Else", email="else@example.com"),
                        headers=headers)
    refused = check(spec, "/api/applications", "post", other)
    assert other.status_code == 422 and "Idempotency-Key" in refused["errors"]
    assert first["status_token"] not in other.get_data(as_text=True)
    assert first["reference"] not in other.get_data(as_text=True)


@pytest.mark.parametrize("overrides, field", [
    ({"zip": "94103"}, "zip"), ({"email": "nope"}, "email"), ({"consent": False}, "consent"),
    ({"hours_min": 30, "hours_max": 10}, "hours_max"), ({"posting_ids": []}, "posting_ids"),
    ({"posting_ids": ["missing"]}, "posting_ids"),
])
def test_bad_answers_are_explained_by_field(client, spec, postings, overrides, field):
    resp = client.post("/api/applications", json=body(postings, **overrides), headers={"Idempotency-Key": key()})
    assert resp.status_code == 422
    assert field in check(spec, "/api/applications", "post", resp)["errors"]


def test_only_json_with_an_idempotency_key_and_no_csrf_token_needed(client, spec, postings):
    form = client.post("/api/applications", data={"name": "x"}, headers={"Idempotency-Key": key()})
    assert form.status_code == 415 and check(spec, "/api/applications", "post", form)
    nokey = client.post("/api/applications", json=body(postings))
    assert nokey.status_code == 400 and check(spec, "/api/applications", "post", nokey)


def test_a_resume_goes_straight_to_storage_and_comes_with_the_application(client, spec, postings, main_table):
    import requests

    from portal import keys
    from portal.applications import tokens

    target = check(spec, "/api/resume-uploads", "post", client.post("/api/resume-uploads", json={}))
    sent = requests.post(target["url"], data={**target["fields"], "Content-Type": "application/pdf"},
                         files={"file": ("cv.pdf", b"%PDF-1.5\n" + b"1" * 100, "application/pdf")}, timeout=10)
    assert sent.status_code == 204
    checked = check(spec, "/api/resume-uploads/check", "post",
                    client.post("/api/resume-uploads/check", json={"upload": target["upload"]}))
    assert checked["label"] == "PDF"
    applied = check(spec, "/api/applications", "post", client.post(
        "/api/applications", json=body(postings[:1], resume_upload=checked["upload"]), headers={"Idempotency-Key": key()}))
    status = main_table.get_item(Key=keys.status(tokens.token_hash(applied["status_token"])))["Item"]
    assert status["resume_key"] == resumes.sealed_key(target["fields"]["key"])

    # An upload that was never checked (or is forged) is explained by field, and nothing is stored.
    refused = client.post("/api/applications", json=body(postings[:1], resume_upload=target["upload"]),
                          headers={"Idempotency-Key": key()})
    assert refused.status_code == 422 and "resume_upload" in check(spec, "/api/applications", "post", refused)["errors"]
    missing = client.post("/api/resume-uploads/check", json={"upload": "forged"})
    assert missing.status_code == 422 and check(spec, "/api/resume-uploads/check", "post", missing)
