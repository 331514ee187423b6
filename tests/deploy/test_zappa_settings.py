"""zappa_settings.json, read by the installed Zappa itself: stages, handler, runtime, roles from the stack, no secrets."""
import json
import re
import uuid
from pathlib import Path

import boto3
import pytest
from zappa.cli import ZappaCLI

from portal import lambda_entry

from portal.local import infra

SETTINGS = Path(__file__).resolve().parent.parent.parent / "zappa_settings.json"
STAGES = ("dev", "dev_pipeline", "prod", "prod_pipeline")


def load(stage: str) -> ZappaCLI:
    cli = ZappaCLI()
    cli.api_stage = stage
    cli.load_settings(settings_file=str(SETTINGS))
    return cli


def test_prod_extends_dev_and_each_pipeline_stage_extends_its_web_stage():
    raw = json.loads(SETTINGS.read_text())
    assert raw["prod"]["extends"] == "dev"
    assert raw["dev_pipeline"]["extends"] == "dev" and raw["prod_pipeline"]["extends"] == "prod"


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_runs_the_wsgi_app_through_our_entry_on_a_current_python(stage):
    cli = load(stage)
    assert cli.app_function == "portal.wsgi.app"
    assert cli.lambda_handler == "portal.lambda_entry.handler"
    assert tuple(int(n) for n in re.fullmatch(r"python(\d+)\.(\d+)", cli.runtime).groups()) >= (3, 11)
    # Zappa's debug mode logs every raw event (form bodies included) and returns tracebacks.
    assert cli.debug is False and cli.log_level == "WARNING"
    assert cli.stage_config["use_precompiled_packages"] is False  # packaging stays offline
    assert cli.apigateway_version == "v1"  # REST API proxy events, the shape tests/deploy/test_package.py sends


@pytest.mark.parametrize("stage", STAGES)
def test_no_secret_is_in_the_settings_only_the_name_of_its_parameter(stage):
    cli = load(stage)
    # Set on the function itself, so the stream branch (which bypasses Zappa's handler) has them too.
    env = cli.aws_environment_variables
    assert "PORTAL_SECRET_KEY" not in env and not cli.environment_variables
    assert env["PORTAL_SECRET_KEY_PARAMETER"] == f"/{env['PORTAL_STACK_NAME']}/secret-key"
    assert not re.search(r"(?i)(aws_secret|password|token)", SETTINGS.read_text())
    # What the pipeline puts in its e-mails: the public address of the portal, and a sender SES has verified.
    assert env["PORTAL_PUBLIC_BASE_URL"].startswith("https://") and "@" in env["PORTAL_MAIL_FROM"]


def test_the_pipeline_stages_have_no_api_and_run_the_posting_expiry_which_the_web_stages_do_not():
    for stage in ("dev_pipeline", "prod_pipeline"):
        cli = load(stage)
        assert cli.use_apigateway is False
        # The expiry republishes the site, which only the pipeline's role may write.
        functions = [e["function"] for e in cli.stage_config["events"]]
        assert functions == ["portal.lambda_entry.expire_postings", "portal.lambda_entry.rebuild_feeds",
                             "portal.lambda_entry.erase_expired_applications"]
        assert set(functions) == set(lambda_entry.SCHEDULES), "the entry runs each scheduled function itself"
        retention = cli.stage_config["events"][2]
        assert retention["expression"] == "rate(1 hour)" and len(retention["description"]) <= 512  # EventBridge's limit
    for stage in ("dev", "prod"):
        assert not load(stage).stage_config.get("events")


def test_dev_files_are_excluded_from_the_package():
    excluded = set(load("dev").stage_config["exclude"])
    assert {"tests", "bench", "docs", "node_modules", ".venv", "build", "*.md", "Makefile"} <= excluded


def test_no_function_shares_its_name_with_the_stack_that_holds_the_data():
    # Zappa keeps each function's API Gateway in a CloudFormation stack named after the function: the same
    # name as the data stack would have `zappa deploy` overwrite the tables' stack.
    for stage in STAGES:
        cli = load(stage)
        assert cli.lambda_name != cli.aws_environment_variables["PORTAL_STACK_NAME"]


@pytest.fixture(scope="module")
def stack_for_dev(aws_endpoint) -> str:
    """The data stack as the guide deploys it for stage dev: told the web function's Zappa name."""
    name = f"t-zappa-{uuid.uuid4().hex[:6]}"
    infra.deploy_stack(boto3.client("cloudformation"), name, {"WebFunctionName": load("dev").lambda_name})
    return name


@pytest.mark.parametrize("stage, output", [("dev", "WebFunctionRoleArn"), ("dev_pipeline", "PipelineFunctionRoleArn")])
def test_zappa_finds_the_least_privilege_role_the_stack_created(stack_for_dev, stage, output):
    cli = load(stage)
    assert cli.manage_roles is False  # Zappa must not create its own, broader role
    role, arn = cli.zappa.get_credentials_arn()
    outputs = boto3.client("cloudformation").describe_stacks(StackName=stack_for_dev)["Stacks"][0]["Outputs"]
    assert arn == {o["OutputKey"]: o["OutputValue"] for o in outputs}[output]
