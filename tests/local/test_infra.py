"""The CloudFormation template deploys into the emulator and creates what the app reads and writes."""
import boto3

from portal.local import infra


def test_template_creates_tables_with_gsis_streams_and_the_bucket(stack):
    ddb = boto3.client("dynamodb")
    main = ddb.describe_table(TableName=stack["MainTableName"])["Table"]
    assert {k["AttributeName"]: k["KeyType"] for k in main["KeySchema"]} == {"pk": "HASH", "sk": "RANGE"}
    assert sorted(i["IndexName"] for i in main["GlobalSecondaryIndexes"]) == sorted(f"gsi{n}" for n in range(1, 17))
    assert main["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert stack["MainTableStreamArn"] == main["LatestStreamArn"]
    assert ddb.describe_table(TableName=stack["SelfIdTableName"])["Table"]["TableStatus"] == "ACTIVE"
    boto3.client("s3").head_bucket(Bucket=stack["SiteBucketName"])


def test_deploying_again_reuses_the_stack(stack):
    outputs = infra.deploy_stack(boto3.client("cloudformation"), stack["StackName"])
    assert outputs["MainTableName"] == stack["MainTableName"]


def test_no_stream_trigger_without_a_pipeline_function(stack):
    resources = boto3.client("cloudformation").list_stack_resources(StackName=stack["StackName"])
    types = {r["ResourceType"] for r in resources["StackResourceSummaries"]}
    assert "AWS::DynamoDB::Table" in types
    assert "AWS::Lambda::EventSourceMapping" not in types
