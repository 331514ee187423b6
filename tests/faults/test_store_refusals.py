"""DynamoDB throttling, 500s and lost connections on the apply form and the API: retried, then a clear 503."""
import ast
import re
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from portal.applications.repository import ApplicationRepository
from portal.postings.repository import PostingRepository
from tests.factories import apply_form, make_posting
from tests.faults.conftest import dynamodb_client
from tests.helpers import hidden_fields

TEAM = "faults-store"
TOTAL_ATTEMPTS = 5  # portal/aws.py: standard mode, max_attempts=4 retries after the first try
# Standard mode's backoff caps per retry: 1 s doubling for throttling, 25 ms doubling for other DynamoDB errors.
CAPS = {"throughput": [1, 2, 4, 8], "throttling": [1, 2, 4, 8], "server": [0.025, 0.05, 0.1, 0.2],
        "unreachable": [0.025, 0.05, 0.1, 0.2]}
ANSWERS = dict(name="Rosa Throttled", email="rosa.throttled@example.com", phone="(206) 555-0199", zip="98032",
               accommodation="Interviews after 3 pm, please.", shifts=["night", "weekend"], hours_min="22",
               hours_max="34")


@pytest.fixture(scope="module")
def postings(main_table):
    found = [make_posting(title="Throttle Picker", team=TEAM), make_posting(title="Throttle Packer", team=TEAM)]
    PostingRepository(main_table).put_many(found)
    return found


def stored(main_table, email: str) -> list:
    return [a for a in ApplicationRepository(main_table).list_for_team(TEAM, 100).items if a.contact.email == email]


def test_every_client_of_the_runtime_has_the_one_retry_policy(runtime):
    # botocore resolves portal/aws.py's max_attempts (retries after the first try) to total attempts.
    expected = {"mode": "standard", "total_max_attempts": TOTAL_ATTEMPTS}
    clients = {"dynamodb (the tables)": dynamodb_client(runtime), "s3 (site)": runtime.site_bucket.s3,
               "s3 (résumés)": runtime.resumes.s3, "ses": runtime.mailer.ses,
               **{name: runtime.client(name) for name in ("dynamodb", "dynamodbstreams", "sqs", "ssm", "sns")}}
    assert {name: c.meta.config.retries for name, c in clients.items()} == {name: expected for name in clients}
    assert runtime.site_bucket.s3.meta.config.signature_version == "s3v4", "S3's own setting merged, not instead"


def test_no_module_makes_an_aws_client_but_portal_aws():
    """So no client can miss the retry policy: only portal/aws.py reaches boto3's client and resource factories."""
    root = Path(__file__).resolve().parents[2] / "portal"
    offenders = []
    for path in (p for p in root.rglob("*.py") if p.relative_to(root).as_posix() != "aws.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Attribute) and node.attr in ("client", "resource", "Session", "session")
                    and isinstance(node.value, ast.Name) and node.value.id == "boto3"):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []


def checked(html: str, name: str) -> set[str]:
    """The values of the ticked boxes and chosen radio buttons named ``name``, or of the hidden inputs carrying
    them (the page of check and send carries the other steps' answers), as the page shows them."""
    return {re.search(r'value="([^"]*)"', tag).group(1) for tag in re.findall(r"<input[^>]*>", html)
            if f'name="{name}"' in tag and (re.search(r"\schecked[\s>]", tag) or 'type="hidden"' in tag)}


@pytest.mark.parametrize("kind", list(CAPS))
def test_a_refused_write_is_retried_with_backoff_then_the_form_comes_back_and_its_resend_stores_once(
        app, runtime, main_table, postings, faults, backoff, kind):
    client = app.test_client()
    first, second = postings
    answers = {**ANSWERS, "email": f"{kind}.{ANSWERS['email']}"}
    hidden = hidden_fields(client.get(f"/apply/{first.id}").get_data(as_text=True))
    data = {**hidden, **apply_form(**answers), "choice_2": second.id}
    attempts = faults.refuse(dynamodb_client(runtime), "TransactWriteItems", kind)

    refused = client.post(f"/apply/{first.id}", data=data)

    assert attempts.seen == TOTAL_ATTEMPTS, "the first try and every retry the policy allows"
    assert len(backoff) == TOTAL_ATTEMPTS - 1 and sum(backoff) > 0, "a pause before each retry"
    assert all(0 <= d <= cap for d, cap in zip(backoff, CAPS[kind])), (backoff, CAPS[kind])
    html = refused.get_data(as_text=True)
    assert refused.status_code == 503
    assert "We could not save your application just now. Your answers are still here" in html
    for name in ("name", "email", "phone", "zip", "hours_min", "hours_max"):
        assert f'value="{answers[name]}"' in html, name
    assert f'name="accommodation" value="{answers["accommodation"]}"' in html
    assert f'name="choice_2" value="{second.id}"' in html
    assert checked(html, "shifts") == set(answers["shifts"]) and checked(html, "consent") == {"y"}
    assert checked(html, "workplace") == {"onsite"} and checked(html, "preferred_contact") == {"email"}
    shown_again = hidden_fields(html)
    assert shown_again["submission_token"] == hidden["submission_token"], "the resend names the same submission"
    assert stored(main_table, answers["email"]) == []

    faults.clear()
    resend = {**data, **shown_again}
    assert client.post(f"/apply/{first.id}", data=resend).status_code == 303
    assert client.post(f"/apply/{first.id}", data=resend).status_code == 303, "a double click after it worked"
    apps = stored(main_table, answers["email"])
    assert sorted((a.posting_id, a.rank) for a in apps) == [(first.id, 1), (second.id, 2)]
    assert runtime.applications.get_submission(hidden["submission_token"])["application_ids"] == \
        [a.id for a in sorted(apps, key=lambda a: a.rank)]


def test_a_write_whose_answer_was_lost_is_retried_and_stored_once(app, runtime, main_table, postings, faults):
    client = app.test_client()
    email = "lost.answer@example.com"
    hidden = hidden_fields(client.get(f"/apply/{postings[0].id}").get_data(as_text=True))
    attempts = faults.lose_answer(dynamodb_client(runtime), "TransactWriteItems")
    resp = client.post(f"/apply/{postings[0].id}", data={**hidden, **apply_form(**{**ANSWERS, "email": email})})
    assert attempts.seen == 2, "the SDK sent it again after the 500"
    assert resp.status_code == 303, "the retry found the first write and answered with it"
    assert "Thank you" in client.get("/apply/received").get_data(as_text=True)
    assert len(stored(main_table, email)) == 1


def _api_body(postings, email):
    return {"posting_ids": [p.id for p in postings], "name": "Api Throttled", "email": email,
            "phone": "206 555 0147", "zip": "98032", "hours_min": 20, "hours_max": 30, "shifts": ["day"],
            "workplace": "onsite", "consent": True}


@pytest.mark.parametrize("kind", ["throughput", "server", "unreachable"])
def test_the_api_answers_503_in_json_and_the_retry_with_the_same_key_stores_once(app, runtime, main_table, postings,
                                                                                 faults, kind):
    client = app.test_client()
    email = f"api.{kind}@example.com"
    headers = {"Idempotency-Key": f"faults-api-{kind}-0123456789"}
    attempts = faults.refuse(dynamodb_client(runtime), "TransactWriteItems", kind)
    refused = client.post("/api/applications", json=_api_body(postings, email), headers=headers)
    assert attempts.seen == TOTAL_ATTEMPTS
    assert refused.status_code == 503 and refused.is_json
    assert refused.get_json() == {"error": "Could not store the application just now. Send it again with the same "
                                           "Idempotency-Key."}
    assert stored(main_table, email) == []

    faults.clear()
    first = client.post("/api/applications", json=_api_body(postings, email), headers=headers)
    again = client.post("/api/applications", json=_api_body(postings, email), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["reference"] == first.get_json()["reference"]
    assert len(stored(main_table, email)) == 2, "one application per posting, once"


@pytest.mark.parametrize("kind", ["throughput", "unreachable"])
def test_when_every_store_call_is_refused_pages_and_the_api_say_so_with_503_never_a_500(app, runtime, postings, faults,
                                                                                      kind):
    client = app.test_client()
    hidden = hidden_fields(client.get(f"/apply/{postings[0].id}").get_data(as_text=True))
    for operation in ("GetItem", "Query", "BatchGetItem", "TransactWriteItems", "UpdateItem", "PutItem"):
        faults.refuse(dynamodb_client(runtime), operation, kind)
    page = client.get(f"/apply/{postings[1].id}")  # not read yet by this process
    # A job this process read a moment ago still shows (PORTAL_POSTING_REUSE_SECONDS); sending it still cannot.
    assert client.get(f"/apply/{postings[0].id}").status_code == 200
    sent = client.post(f"/apply/{postings[0].id}", data={**hidden, **apply_form(**ANSWERS)})
    api = client.post("/api/applications", json=_api_body(postings, "api.everything@example.com"),
                      headers={"Idempotency-Key": f"faults-everything-{kind}-01234"})
    listing = client.get("/api/postings")
    for resp in (page, sent):
        assert resp.status_code == 503 and "try again in a moment" in resp.get_data(as_text=True)
    for resp in (api, listing):
        assert resp.status_code == 503 and "try again in a moment" in resp.get_json()["error"]
    assert {resp.headers.get("Retry-After") for resp in (page, sent, api, listing)} == {"5"}
    faults.clear()
    spec = client.get("/api/openapi.json").get_json()
    assert all("503" in operation["responses"] for path in spec["paths"].values() for operation in path.values()), \
        "the API documents the answer"


def test_an_aws_error_that_is_not_about_load_stays_a_fault_of_ours(app, runtime, main_table, faults):
    """Not every AWS error means "try again": a refused request is a bug to see in the logs, not a 503 to retry."""
    unread = make_posting(title="Invalid Picker", team=TEAM)
    PostingRepository(main_table).put(unread)
    faults.refuse(dynamodb_client(runtime), "GetItem", "invalid")
    with pytest.raises(ClientError, match="ValidationException"):  # TESTING propagates what production logs as 500
        app.test_client().get(f"/apply/{unread.id}")
