"""infra/template.yaml: cfn-lint, the deployed stream trigger and its dead-letter queue, least-privilege roles, CloudFront."""
import ast
import fnmatch
import io
import json
import re
import uuid
import zipfile
from pathlib import Path

import boto3
import pytest

import portal
from cfnlint.api import lint_file
from cfnlint.decode import decode_str

from portal import headers
from portal.local import infra
from portal.runtime import Runtime

API_PATHS = {"/apply*", "/applications*", "/admin*", "/api*"}


def test_cfn_lint_finds_nothing():
    matches = lint_file(Path(infra.TEMPLATE))
    assert [str(m) for m in matches] == []


@pytest.fixture(scope="module")
def resources() -> dict:
    template, errors = decode_str(Path(infra.TEMPLATE).read_text())
    assert not errors
    return template["Resources"]


@pytest.fixture(scope="module")
def pipeline_function_arn() -> str:
    """A stand-in function for the stream trigger to point at (moto records it; nothing invokes it here)."""
    role = boto3.client("iam").create_role(RoleName=f"stand-in-{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument="{}")
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("entry.py", "def handler(event, context):\n    return {}\n")
    return boto3.client("lambda").create_function(
        FunctionName=f"t-deploy-pipeline-{uuid.uuid4().hex[:6]}", Runtime="python3.11", Role=role["Role"]["Arn"],
        Handler="entry.handler", Code={"ZipFile": code.getvalue()},
    )["FunctionArn"]


@pytest.fixture(scope="module")
def deployed(pipeline_function_arn) -> dict:
    """The stack as it is after `zappa deploy`: with the pipeline function's ARN, so the trigger exists."""
    name = "t-deploy-" + uuid.uuid4().hex[:6]
    outputs = infra.deploy_stack(boto3.client("cloudformation"), name, {"PipelineFunctionArn": pipeline_function_arn})
    return {"StackName": name, **outputs}


def test_the_stream_trigger_reports_partial_failures_bisects_retries_and_dead_letters(deployed, pipeline_function_arn):
    mappings = boto3.client("lambda").list_event_source_mappings(FunctionName=pipeline_function_arn)["EventSourceMappings"]
    assert len(mappings) == 1
    mapping = mappings[0]
    assert mapping["EventSourceArn"] == deployed["MainTableStreamArn"]
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert 0 < mapping["MaximumRetryAttempts"] <= 10
    assert mapping["DestinationConfig"] == {"OnFailure": {"Destination": deployed["PipelineDeadLetterQueueArn"]}}


def test_the_dead_letter_queue_is_named_after_the_stack_and_found_by_the_app(deployed):
    sqs = boto3.client("sqs")
    assert deployed["PipelineDeadLetterQueueArn"].endswith(f":{deployed['StackName']}-pipeline-dlq")
    url = Runtime.from_environment({"stack_name": deployed["StackName"]}).dead_letter_queue_url
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "ApproximateNumberOfMessages"])
    assert attributes["Attributes"]["QueueArn"] == deployed["PipelineDeadLetterQueueArn"]
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "1"


def test_without_a_deployed_queue_the_dead_letter_url_is_absent_not_made_up():
    runtime = Runtime.from_environment({"stack_name": "no-such-stack"})
    with pytest.raises(LookupError, match="no-such-stack-pipeline-dlq"):
        runtime.dead_letter_queue_url


def test_the_resume_bucket_is_private_encrypted_and_takes_browser_posts(deployed, resources):
    s3 = boto3.client("s3")
    assert deployed["ResumeBucketName"] == f"{deployed['StackName']}-resumes"
    s3.head_bucket(Bucket=deployed["ResumeBucketName"])
    # moto's CloudFormation leaves out the access block and encryption, so those are read from the template.
    properties = resources["ResumeBucket"]["Properties"]
    assert all(properties["PublicAccessBlockConfiguration"].values())
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert [r["AllowedMethods"] for r in properties["CorsConfiguration"]["CorsRules"]] == [["POST"]]
    # Uploads never linked to a sent application are deleted after a day: the tag their POST policy sets.
    from portal.applications.resumes import PENDING_TAGGING, TAG

    [rule] = properties["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled" and rule["ExpirationInDays"] == 1
    assert rule["TagFilters"] == [{"Key": TAG, "Value": "pending"}] and f"<Value>pending</Value>" in PENDING_TAGGING


# --- least privilege, read back from the roles the stack created ---------------------------------------------


def _statements(role_name: str) -> list[dict]:
    iam = boto3.client("iam")
    statements = []
    for policy_name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
        if isinstance(document, str):
            # moto's CloudFormation keeps a role's inline policy as the Python repr of the dict, not as JSON.
            document = json.loads(document) if document.startswith('{"') else ast.literal_eval(document)
        statements += document["Statement"]
    return statements


def _allowed(statements: list[dict], action: str, resource: str, in_transaction: bool = False) -> bool:
    """Whether an Allow statement matches: IAM's wildcards on actions and resources (there are no Deny statements).

    A statement limited to TransactWriteItems (the erasures' self-ID deletes) matches only ``in_transaction``."""
    for statement in statements:
        assert statement["Effect"] == "Allow"
        condition = statement.get("Condition")
        if condition:
            assert condition == {"ForAnyValue:StringEquals": {"dynamodb:EnclosingOperation": ["TransactWriteItems"]}}
            if not in_transaction:
                continue
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if any(fnmatch.fnmatchcase(action, a) for a in actions) and any(fnmatch.fnmatchcase(resource, r) for r in resources):
            return True
    return False


@pytest.fixture(scope="module")
def arns(deployed) -> dict:
    ddb = boto3.client("dynamodb")
    main = ddb.describe_table(TableName=deployed["MainTableName"])["Table"]["TableArn"]
    selfid = ddb.describe_table(TableName=deployed["SelfIdTableName"])["Table"]["TableArn"]
    return {"main": main, "main_index": f"{main}/index/gsi2", "stream": deployed["MainTableStreamArn"], "selfid": selfid,
            "site": f"arn:aws:s3:::{deployed['SiteBucketName']}/jobs/index.html",
            "resume": f"arn:aws:s3:::{deployed['ResumeBucketName']}/r/1.pdf", "dlq": deployed["PipelineDeadLetterQueueArn"]}


@pytest.fixture(scope="module")
def web(deployed) -> list[dict]:
    return _statements(deployed["WebFunctionRoleArn"].rsplit("/", 1)[1])


@pytest.fixture(scope="module")
def pipeline(deployed) -> list[dict]:
    return _statements(deployed["PipelineFunctionRoleArn"].rsplit("/", 1)[1])


def test_no_role_has_wildcard_actions_or_resources(web, pipeline):
    for statement in web + pipeline:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not any(a == "*" or a.endswith(":*") for a in actions), statement
        assert statement["Resource"] != "*", statement


def test_the_web_function_reads_and_writes_the_main_table_and_its_indexes_but_never_scans(web, arns):
    for action in ("GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "ConditionCheckItem"):
        assert _allowed(web, f"dynamodb:{action}", arns["main"]), action
    assert _allowed(web, "dynamodb:Query", arns["main_index"])
    assert not _allowed(web, "dynamodb:Scan", arns["main"])
    assert not _allowed(web, "dynamodb:GetRecords", arns["stream"])


def test_the_web_function_can_write_self_id_answers_but_not_read_them(web, arns):
    assert _allowed(web, "dynamodb:PutItem", arns["selfid"])
    for action in ("GetItem", "BatchGetItem", "Query", "Scan", "UpdateItem", "DeleteItem"):
        assert not _allowed(web, f"dynamodb:{action}", arns["selfid"]), action
    # The applicant's erasure deletes them by key inside its transaction, where nothing is handed back.
    assert _allowed(web, "dynamodb:DeleteItem", arns["selfid"], in_transaction=True)
    assert not _allowed(web, "dynamodb:GetItem", arns["selfid"], in_transaction=True)


def test_the_web_function_handles_resumes_and_reads_its_secret(web, arns, deployed):
    for action in ("PutObject", "PutObjectTagging", "GetObject", "DeleteObject"):
        assert _allowed(web, f"s3:{action}", arns["resume"])
    # The internet-facing function cannot change the public site; the scheduled expiry runs in the pipeline's.
    assert not _allowed(web, "s3:PutObject", arns["site"])
    secret = f"arn:aws:ssm:us-east-1:123456789012:parameter/{deployed['StackName']}/secret-key"
    assert _allowed(web, "ssm:GetParameter", secret)
    assert not _allowed(web, "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/other/secret")


def test_the_pipeline_reads_the_stream_publishes_the_site_mails_and_dead_letters(pipeline, arns):
    for action in ("GetItem", "Query", "PutItem", "UpdateItem"):
        assert _allowed(pipeline, f"dynamodb:{action}", arns["main"]), action
    for action in ("DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"):
        assert _allowed(pipeline, f"dynamodb:{action}", arns["stream"]), action
    for action in ("PutObject", "DeleteObject", "GetObject"):
        assert _allowed(pipeline, f"s3:{action}", arns["site"])
    assert _allowed(pipeline, "ses:SendEmail", "arn:aws:ses:us-east-1:123456789012:identity/example.com")
    assert _allowed(pipeline, "sqs:SendMessage", arns["dlq"])
    assert not _allowed(pipeline, "s3:GetObject", arns["resume"])
    assert _allowed(pipeline, "s3:PutObjectTagging", arns["resume"]), "it marks linked résumés kept"
    assert _allowed(pipeline, "s3:DeleteObject", arns["resume"]), "the retention schedule erases résumés"


def test_the_pipeline_cannot_read_or_write_the_self_id_table_only_erase_answers_by_key(pipeline, arns):
    for action in ("GetItem", "BatchGetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem",
                   "BatchWriteItem", "ConditionCheckItem", "DescribeTable"):
        assert not _allowed(pipeline, f"dynamodb:{action}", arns["selfid"]), action
    # The retention schedule's erasure deletes answers by key inside its transaction, and can do nothing else there.
    assert _allowed(pipeline, "dynamodb:DeleteItem", arns["selfid"], in_transaction=True)
    for action in ("GetItem", "Query", "PutItem", "UpdateItem"):
        assert not _allowed(pipeline, f"dynamodb:{action}", arns["selfid"], in_transaction=True), action


# --- CloudFront: moto skips distributions, so the routing is read from the template (cfn-lint checks the rest) ---


def test_cloudfront_sends_the_dynamic_paths_to_api_gateway_and_the_rest_to_the_site_bucket(resources):
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    assert origins["api"]["DomainName"] == {"Ref": "ApiDomainName"}
    assert origins["site"]["DomainName"] == {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]}
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "site"
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert set(behaviours) == API_PATHS
    for behaviour in behaviours.values():
        assert behaviour["TargetOriginId"] == "api"
        assert "POST" in behaviour["AllowedMethods"]


def test_the_site_bucket_is_read_only_by_this_distribution_through_origin_access_control(resources):
    site_origin = next(o for o in resources["Distribution"]["Properties"]["DistributionConfig"]["Origins"]
                       if o["Id"] == "site")
    assert site_origin["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert resources["SiteOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    [statement] = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    assert "${Distribution}" in statement["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    block = resources["SiteBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(block.values())


def test_tables_keep_point_in_time_recovery_and_encryption_and_the_self_id_table_has_no_stream(resources):
    tables = {name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::DynamoDB::Table"}
    assert set(tables) >= {"MainTable", "SelfIdTable"}
    for properties in tables.values():
        assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert properties["SSESpecification"] == {"SSEEnabled": True}
        assert properties["BillingMode"] == "PAY_PER_REQUEST"
    main = tables["MainTable"]
    assert main["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert main["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    # A stream on the self-ID table would hand its answers to whatever function reads it.
    assert "StreamSpecification" not in tables["SelfIdTable"]


def test_the_distribution_sends_the_api_the_viewer_address_and_the_origin_token(resources):
    """portal/viewer.py believes X-Viewer-Ip only with X-Origin-Verify, which only CloudFront adds."""
    assert "request.headers['x-viewer-ip'] = {value: event.viewer.ip};" in \
        resources["ApiViewerHostFunction"]["Properties"]["FunctionCode"]
    [api] = [o for o in resources["Distribution"]["Properties"]["DistributionConfig"]["Origins"] if o["Id"] == "api"]
    assert api["OriginCustomHeaders"]["Fn::If"][1] == [{"HeaderName": "X-Origin-Verify",
                                                      "HeaderValue": {"Ref": "OriginVerifyToken"}}]


def test_every_cloudfront_response_carries_the_apps_security_headers(resources):
    """The same values as portal/headers.py: site pages get CloudFront's, app responses keep the app's own CSP."""
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    for behaviour in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]:
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeadersPolicy"}
    sent = resources["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert sent["ContentSecurityPolicy"] == {"ContentSecurityPolicy": headers.content_security_policy(),
                                             "Override": False}
    assert "unsafe-inline" not in sent["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert sent["ContentTypeOptions"] == {"Override": True}
    assert sent["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert sent["ReferrerPolicy"] == {"ReferrerPolicy": headers.REFERRER_POLICY, "Override": True}
    hsts = sent["StrictTransportSecurity"]
    assert f"max-age={hsts['AccessControlMaxAgeSec']}; includeSubDomains" == headers.HSTS and hsts["Override"]


def test_a_missing_site_page_gets_the_styled_404_and_the_apps_answers_pass_through(resources):
    """The bucket answers 403 for a key it lacks; only that is replaced (error responses are the distribution's,
    for every origin, so a 404 would replace the API's JSON errors too). The app never answers 403."""
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    assert config["CustomErrorResponses"] == [
        {"ErrorCode": 403, "ResponseCode": 404, "ResponsePagePath": "/404.html", "ErrorCachingMinTTL": 60}]
    source = "\n".join(p.read_text() for p in Path(portal.__file__).parent.rglob("*.py"))
    assert not re.search(r"abort\(403\)|Forbidden|\b403\b", source)
