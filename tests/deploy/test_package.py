"""The Lambda zip really runs: unzipped alone, in a fresh process, it answers API Gateway and stream events as the app does."""
import datetime
import json
import re
import zipfile

import boto3
import pytest

from portal import create_app, keys
from portal.applications.repository import ApplicationRepository
from portal.applications.services import submit_application
from portal.local import infra
from portal.postings.repository import PostingRepository
from portal.runtime import Runtime
from portal.settings import Settings
from tests.deploy import lambda_package
from tests.factories import apply_form, make_answers, make_posting
from tests.helpers import hidden_fields

STACK = "portal-dev"  # the stack zappa_settings.json's dev stage names (PORTAL_STACK_NAME)
SECRET = "secret-from-parameter-store"
VIA_CLOUDFRONT = {"x-viewer-host": "jobs.example.com", "Referer": "https://jobs.example.com/"}


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    zip_path = lambda_package.build("dev")
    task_root, libs = lambda_package.unpack(zip_path, tmp_path_factory.mktemp("lambda"))
    return {"zip": zip_path, "task_root": task_root, "libs": libs}


@pytest.fixture(scope="module")
def pipeline_package(tmp_path_factory):
    """The package of the dev_pipeline stage: what the stream trigger and the expiry schedule invoke."""
    zip_path = lambda_package.build("dev_pipeline")
    task_root, libs = lambda_package.unpack(zip_path, tmp_path_factory.mktemp("lambda-pipeline"))
    return {"zip": zip_path, "task_root": task_root, "libs": libs}


@pytest.fixture(scope="module")
def portal_dev(aws_endpoint) -> dict:
    """The dev stack in the emulator, its secret in Parameter Store, and one published posting."""
    outputs = infra.deploy_stack(boto3.client("cloudformation"), STACK)
    boto3.client("ssm").put_parameter(Name=f"/{STACK}/secret-key", Value=SECRET, Type="SecureString", Overwrite=True)
    runtime = Runtime(Settings.load({"stack_name": STACK, "secret_key": SECRET}))
    posting = make_posting(title="Night shift picker, Kent")
    runtime.postings.put(posting)
    return {"table": runtime.main_table, "posting": posting, "runtime": runtime}


@pytest.fixture(scope="module")
def lambda_env(aws_endpoint) -> dict:
    """What Lambda's environment gives the function here: credentials, and the emulator instead of AWS."""
    return {"AWS_ENDPOINT_URL": aws_endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"}


@pytest.fixture(scope="module")
def in_app(portal_dev):
    """The same app in this process, as the reference for what each answer should be."""
    return create_app({"STACK_NAME": STACK, "SECRET_KEY": SECRET}).test_client()


def test_the_zip_holds_the_app_and_leaves_out_dev_files_and_what_lambda_provides(package):
    names = zipfile.ZipFile(package["zip"]).namelist()
    tops = {n.split("/")[0] for n in names}
    assert {"portal", "templates", "static", "flask", "zappa", "handler.py", "zappa_settings.py"} <= tops
    assert not tops & {"tests", "bench", "docs", "node_modules", "build", ".venv", "boto3", "botocore", "pytest",
                       "moto", "playwright", "gunicorn", "cfnlint"}
    assert package["zip"].stat().st_size < 50 * 2**20  # Lambda's limit for a zip uploaded directly
    # Bytecode for the runtime's Python, so cold starts import without compiling (the task root is read-only).
    assert "portal/__pycache__/lambda_entry.cpython-311.pyc" in names
    assert not any(n.startswith(("phonenumbers/geodata/", "phonenumbers/carrierdata/")) for n in names)


def test_api_gateway_events_get_the_apps_answers_in_a_fresh_process(package, portal_dev, lambda_env, in_app):
    posting = portal_dev["posting"]
    out = lambda_package.invoke(package["task_root"], package["libs"], [
        lambda_package.api_gateway_event("GET", "/healthz"),
        lambda_package.api_gateway_event("GET", f"/apply/{posting.id}", headers=VIA_CLOUDFRONT),
        lambda_package.api_gateway_event("GET", "/apply/no-such-posting"),
    ], lambda_env)
    health, form_page, missing = [r["result"] for r in out["results"]]
    assert out["modules_outside_the_package"] == []

    assert health["statusCode"] == 200
    assert json.loads(health["body"]) == in_app.get("/healthz").get_json()

    reference = in_app.get(f"/apply/{posting.id}")
    assert form_page["statusCode"] == reference.status_code == 200
    assert "Night shift picker, Kent" in form_page["body"]
    assert _fields_of(form_page["body"]) == _fields_of(reference.get_data(as_text=True))
    # The viewer's paths (CloudFront adds the stage), to the content-hashed stylesheet.
    assert re.search(r'href="/static/css/site\.[0-9a-f]{10}\.css"', form_page["body"])
    assert all("; Secure" in c and "HttpOnly" in c for c in lambda_package.set_cookie_headers(form_page))

    assert missing["statusCode"] == in_app.get("/apply/no-such-posting").status_code == 404


def test_a_form_post_with_cookies_and_multi_value_headers_applies_as_in_the_app(package, portal_dev, lambda_env):
    posting = portal_dev["posting"]
    first = lambda_package.invoke(package["task_root"], package["libs"], [
        lambda_package.api_gateway_event("GET", f"/apply/{posting.id}", headers=VIA_CLOUDFRONT)], lambda_env)
    page = first["results"][0]["result"]
    cookies = lambda_package.response_cookies(page)
    assert cookies, "the form page sets the session cookie that carries the CSRF token"
    fields = {**hidden_fields(page["body"]), **apply_form(email="lambda.applicant@example.com")}

    second = lambda_package.invoke(package["task_root"], package["libs"], [lambda_package.api_gateway_event(
        "POST", f"/apply/{posting.id}", body=lambda_package.form_body(fields),
        headers={**VIA_CLOUDFRONT, "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies,
                 "Origin": "https://jobs.example.com", "Referer": f"https://jobs.example.com/apply/{posting.id}"},
    # Sent at machine speed: the minimum time to fill a form (spam defence, tests/apply/test_spam.py) is off here.
    )], {**lambda_env, "PORTAL_APPLY_MIN_FILL_SECONDS": "0"})
    answer = second["results"][0]["result"]
    assert answer["statusCode"] == 303, answer.get("body", "")[:500]
    location = (answer.get("headers") or {}).get("Location") or answer["multiValueHeaders"]["Location"][0]
    assert re.sub(r"^https://jobs\.example\.com", "", location) == "/apply/received"
    stored = ApplicationRepository(portal_dev["table"]).list_for_team(posting.team, 50).items
    assert "lambda.applicant@example.com" in {a.contact.email for a in stored}


def test_without_cloudfront_the_stage_prefix_stays_in_the_apps_urls(package, portal_dev, lambda_env):
    out = lambda_package.invoke(package["task_root"], package["libs"], [
        lambda_package.api_gateway_event("GET", f"/apply/{portal_dev['posting'].id}")], lambda_env)
    assert re.search(r'href="/dev/static/css/site\.[0-9a-f]{10}\.css"', out["results"][0]["result"]["body"])


def test_a_dynamodb_stream_event_reaches_the_pipeline_in_a_fresh_process(pipeline_package, portal_dev, lambda_env):
    """A new application's INSERT record: the packaged pipeline screens and routes it, as the trigger would have it,
    without loading the web framework."""
    table, posting = portal_dev["table"], portal_dev["posting"]
    repo = ApplicationRepository(table)
    submitted = submit_application(portal_dev["runtime"], [posting], make_answers(), token="tok-packaged-stream",
                                   status_page=False)
    item = table.get_item(Key=keys.application(submitted.application_ids[0]))["Item"]
    out = lambda_package.invoke(pipeline_package["task_root"], pipeline_package["libs"], [
        lambda_package.stream_event(table, "INSERT", new=item)], lambda_env, stage="dev_pipeline")
    assert out["results"][0] == {"result": {"batchItemFailures": []}}
    assert not {"flask", "flask_wtf", "wtforms", "zappa"} & set(out["top_level_modules"])
    screened = repo.get(submitted.application_ids[0])
    assert screened.stage in ("screened", "on_hold") and screened.score is not None
    assert screened.moved_by == "pipeline"


def test_the_schedule_closes_a_posting_past_its_date_and_rebuilds_the_feeds_in_the_pipeline_package(pipeline_package, portal_dev,
                                                                                    lambda_env):
    """The EventBridge event Zappa's rule sends: the rule's name ends with the function to run."""
    expired = make_posting(valid_through=(datetime.date.today() - datetime.timedelta(days=1)).isoformat())
    PostingRepository(portal_dev["table"]).put(expired)
    event = {"version": "0", "id": "5e0c2a56-0000-0000-0000-000000000000", "detail-type": "Scheduled Event",
             "source": "aws.events", "account": "123456789012", "time": "2026-11-23T10:00:00Z", "region": "us-east-1",
             "resources": ["arn:aws:events:us-east-1:123456789012:rule/"
                           "flexwork-portal-dev-pipeline-portal.lambda_entry.expire_postings"], "detail": {}}
    feeds = {**event, "resources": ["arn:aws:events:us-east-1:123456789012:rule/"
                                    "flexwork-portal-dev-pipeline-portal.lambda_entry.rebuild_feeds"]}
    out = lambda_package.invoke(pipeline_package["task_root"], pipeline_package["libs"], [event, feeds], lambda_env,
                                stage="dev_pipeline")
    assert out["results"][0]["result"]["closed"] >= 1, out["results"][0]
    assert set(out["results"][1]["result"]) == {"written"}, out["results"][1]
    feed = boto3.client("s3").get_object(Bucket=f"{STACK}-site", Key="feeds/indeed.xml")["Body"].read().decode()
    assert feed.startswith('<?xml') and expired.id not in feed
    assert not {"flask", "flask_wtf", "wtforms", "zappa"} & set(out["top_level_modules"])
    assert PostingRepository(portal_dev["table"]).get(expired.id).status == "closed"


def _fields_of(html: str) -> list[str]:
    """The names of a form's fields: what must match between the Lambda answer and the app's."""
    return sorted(set(re.findall(r'name="([^"]+)"', html)) - {"csrf_token"})


def test_the_functions_log_no_token_and_no_personal_data(package, pipeline_package, portal_dev, lambda_env):
    """What CloudWatch would keep from a status link's visits, a refused withdrawal, the API's status, a bad path
    under the link, and the pipeline's run on the application: neither the token nor the applicant."""
    table, posting = portal_dev["table"], portal_dev["posting"]
    answers = make_answers(name="Quinn Logwatcher")
    token = "tok-never-logged-" + "7" * 20
    submitted = submit_application(portal_dev["runtime"], [posting], answers, token=token)
    status_token = submitted.status_token
    out = lambda_package.invoke(package["task_root"], package["libs"], [
        lambda_package.api_gateway_event("GET", f"/applications/{status_token}", headers=VIA_CLOUDFRONT),
        lambda_package.api_gateway_event("POST", f"/applications/{status_token}/withdraw", headers={
            **VIA_CLOUDFRONT, "Content-Type": "application/x-www-form-urlencoded"}, body="version=%C2%B2"),
        lambda_package.api_gateway_event("GET", f"/api/applications/{status_token}"),
        lambda_package.api_gateway_event("GET", f"/applications/{status_token}/no-such-page"),
    ], lambda_env)
    assert [r["result"]["statusCode"] for r in out["results"]] == [200, 400, 200, 404]
    item = table.get_item(Key=keys.application(submitted.application_ids[0]))["Item"]
    pipeline = lambda_package.invoke(pipeline_package["task_root"], pipeline_package["libs"], [
        lambda_package.stream_event(table, "INSERT", new=item)], lambda_env, stage="dev_pipeline")
    assert pipeline["results"][0] == {"result": {"batchItemFailures": []}}
    for log in (out["log"], pipeline["log"]):
        for secret in (status_token, token, answers.contact.email, answers.contact.name, answers.contact.phone,
                       submitted.reference):
            assert secret not in log, f"{secret!r} in the log:\n{log[-2000:]}"
