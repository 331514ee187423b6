"""Figures of the deployment: the Lambda zip's size, its cold start in a fresh process, and the AWS cost of 1,000 applications.

cost_per_1000_applications_usd counts the operations that really run for a sample of applications, on the
emulator, and prices them at the published on-demand rates below:
  - each applicant opens the form, submits it and sees the confirmation (three requests through API Gateway
    to the web function);
  - the stream pipeline screens and routes each application (portal.pipeline.handle over the table's real
    stream records, in batches of 100 as the trigger delivers them, until the stream is quiet): history,
    counters, the confirmation e-mail;
  - a recruiter opens each application and moves it through two stages (screened to interview to offer)
    with the admin page's move form: the page, then per move the POST and the page it redirects to, each one
    request to the web function; the pipeline then handles the moves' records (history, counters, e-mails).
Every DynamoDB call is priced in request units from the sizes of the items it wrote or read, as DynamoDB bills
on-demand tables; S3, SES and SQS per request; Lambda per invocation and per GB-second of measured duration at
the prod stage's memory size; API Gateway (REST) per request. Durations are measured against the emulator on
a shared 2-core machine, so the Lambda share is an upper bound. Free tiers are ignored.
"""
from __future__ import annotations

import base64
import json
import math
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent

# On-demand rates, us-east-1, as published on the AWS pricing pages; read 2026-11-23.
PRICES_READ_ON = "2026-11-23"
USD_PER_WRITE_REQUEST_UNIT = 0.625 / 1e6      # DynamoDB on-demand, standard table class
USD_PER_READ_REQUEST_UNIT = 0.125 / 1e6
USD_PER_LAMBDA_REQUEST = 0.20 / 1e6           # Lambda, x86
USD_PER_LAMBDA_GB_SECOND = 0.0000166667
USD_PER_API_GATEWAY_REQUEST = 3.50 / 1e6      # API Gateway REST API, first 333 million a month
USD_PER_S3_WRITE = 0.005 / 1000               # S3 Standard PUT, COPY, POST, LIST
USD_PER_S3_READ = 0.0004 / 1000               # S3 Standard GET and the rest
USD_PER_SES_EMAIL = 0.10 / 1000               # SES outbound e-mail
USD_PER_SQS_REQUEST = 0.40 / 1e6              # SQS standard queue
# DynamoDB Streams reads made by a Lambda trigger are free, so the pipeline's GetRecords cost nothing.

SAMPLE_APPLICATIONS = 40
STREAM_BATCH_SIZE = 100  # PipelineStreamMapping's BatchSize in infra/template.yaml
COLD_RUNS = 5
RECRUITER = "recruiter@example.com"

_S3_WRITES = {"PutObject", "CopyObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload",
              "ListObjects", "ListObjectsV2", "DeleteObject", "DeleteObjects"}
_SES_SENDS = {"SendEmail", "SendRawEmail", "SendTemplatedEmail", "SendBulkTemplatedEmail", "SendBulkEmail"}


def figures(env) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.deploy import lambda_package

    zip_path = lambda_package.build("dev")
    web_ms, pipeline_ms = _cold_invoke_ms(env, zip_path, lambda_package.build("dev_pipeline"), lambda_package)
    return {
        "package_zip_mb": round(zip_path.stat().st_size / 2**20, 2),
        "lambda_cold_invoke_ms": web_ms,
        "pipeline_lambda_cold_invoke_ms": pipeline_ms,
        "cost_per_1000_applications_usd": _cost_per_1000_applications(env),
    }


# --- cold start ----------------------------------------------------------------------------------------------


def _cold_invoke_ms(env, web_zip, pipeline_zip, lambda_package) -> tuple[float, float]:
    """Medians over fresh processes of each unzipped package: imports plus the first invocation. The web function
    answers GET /apply/<id>; the stream function handles one INSERT of a new application (screened and routed)."""
    import os

    from portal import keys
    from portal.applications.services import submit_application
    from portal.local import infra
    from portal.runtime import Runtime
    from tests.factories import make_answers, make_posting

    stack = lambda_package.stage_setting("dev", "aws_environment_variables")["PORTAL_STACK_NAME"]
    outputs = infra.deploy_stack(boto3.client("cloudformation"), stack)
    boto3.client("ssm").put_parameter(Name=f"/{stack}/secret-key", Value="bench-secret", Type="SecureString",
                                      Overwrite=True)
    runtime = Runtime.from_environment({"stack_name": stack, "testing": True, "secret_key": "bench-secret"})
    posting = make_posting()
    runtime.postings.put(posting)
    process_env = {name: os.environ[name] for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
                                                       "AWS_SECRET_ACCESS_KEY", "AWS_ACCOUNT_ID_ENDPOINT_MODE")}
    web_event = lambda_package.api_gateway_event("GET", f"/apply/{posting.id}",
                                                 headers={"x-viewer-host": "jobs.example.com"})
    web_times, pipeline_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        task_root, libs = lambda_package.unpack(web_zip, Path(tmp) / "web")
        pipeline_root, pipeline_libs = lambda_package.unpack(pipeline_zip, Path(tmp) / "pipeline")
        for run in range(COLD_RUNS):
            out = lambda_package.invoke(task_root, libs, [web_event], process_env)
            assert out["results"][0]["result"]["statusCode"] == 200, out["results"][0]
            web_times.append(out["cold_invoke_ms"])
            # A new application each run, so every cold start does the whole of screening and routing.
            submitted = submit_application(runtime, [posting], make_answers(),
                                           token=f"tok-cold-{run}", status_page=False)
            item = runtime.main_table.get_item(Key=keys.application(submitted.application_ids[0]))["Item"]
            out = lambda_package.invoke(pipeline_root, pipeline_libs, [
                lambda_package.stream_event(runtime.main_table, "INSERT", new=item, sequence=run + 1)],
                process_env, stage="dev_pipeline")
            assert out["results"][0] == {"result": {"batchItemFailures": []}}, out["results"][0]
            pipeline_times.append(out["cold_invoke_ms"])
    return round(statistics.median(web_times), 1), round(statistics.median(pipeline_times), 1)


# --- cost ----------------------------------------------------------------------------------------------------


def _item_size(item: dict) -> int:
    """DynamoDB's size of an item in its wire format: attribute names plus values, as the pricing pages define it."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict) -> int:
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        return (len(v.strip("-").replace(".", "").lstrip("0")) + 1) // 2 + 1
    if kind == "B":
        return len(base64.b64decode(v))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: x}) for x in v)
    if kind == "L":
        return 3 + sum(1 + _value_size(x) for x in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_size(x) for k, x in v.items())
    raise ValueError(f"unknown DynamoDB type {kind}")


class OperationMeter:
    """Counts billable AWS operations made through boto3 sessions, with DynamoDB request units from item sizes."""

    def __init__(self):
        self.write_units = 0.0
        self.read_units = 0.0
        self.requests = Counter()  # (service, operation) -> calls
        self._sizes: dict[tuple, int] = {}  # last known size of each item, for updates that do not return it

    def attach(self, session) -> None:
        """Register on the session before it makes clients: each client copies the session's handlers."""
        session.events.register("before-call", self._before)
        session.events.register("after-call", self._after)

    def _before(self, model, params, context, **kwargs):
        context["meter_request"] = json.loads(params["body"]) if params.get("body") and \
            model.service_model.service_name == "dynamodb" else None

    def _after(self, model, http_response, context, **kwargs):
        service, operation = model.service_model.service_name, model.name
        self.requests[(service, operation)] += 1
        if service == "dynamodb" and http_response.status_code == 200:
            # The raw body: wire-format items, whatever the resource layer makes of them afterwards.
            self._dynamodb(operation, context.get("meter_request") or {}, json.loads(http_response.content or b"{}"))

    def _key(self, table: str, item: dict) -> tuple:
        return table, json.dumps(item.get("pk")), json.dumps(item.get("sk"))

    def _write(self, table: str, item: dict | None, key: dict, transactional: bool = False) -> None:
        size = _item_size(item) if item is not None else self._sizes.get(self._key(table, key), 1)
        if item is not None:
            self._sizes[self._key(table, item)] = size
        self.write_units += math.ceil(max(size, 1) / 1024) * (2 if transactional else 1)

    def _read(self, table: str, items: list[dict], consistent: bool, transactional: bool = False) -> None:
        total = 0
        for item in items:
            size = _item_size(item)
            self._sizes[self._key(table, item)] = size
            total += size
        units = max(1, math.ceil(total / 4096)) * (2 if transactional else 1)
        self.read_units += units if (consistent or transactional) else units / 2

    def _dynamodb(self, operation: str, request: dict, parsed: dict) -> None:
        table = request.get("TableName", "")
        if operation == "PutItem":
            self._write(table, request["Item"], request["Item"])
        elif operation in ("UpdateItem", "DeleteItem"):
            returned = parsed.get("Attributes") if request.get("ReturnValues") == "ALL_NEW" else None
            self._write(table, returned if returned else None, request["Key"])
        elif operation == "TransactWriteItems":
            for entry in request["TransactItems"]:
                (kind, body), = entry.items()
                self._write(body["TableName"], body.get("Item"), body.get("Item") or body["Key"], transactional=True)
        elif operation == "BatchWriteItem":
            for name, writes in request["RequestItems"].items():
                for w in writes:
                    item = w.get("PutRequest", {}).get("Item")
                    self._write(name, item, item or w["DeleteRequest"]["Key"])
        elif operation == "GetItem":
            item = parsed.get("Item")
            self._read(table, [item] if item else [], request.get("ConsistentRead", False))
        elif operation in ("Query", "Scan"):
            self._read(table, parsed.get("Items", []), request.get("ConsistentRead", False))
        elif operation == "BatchGetItem":
            for name, items in parsed.get("Responses", {}).items():
                self._read(name, items, False)
        elif operation == "TransactGetItems":
            self._read("", [r["Item"] for r in parsed.get("Responses", []) if r.get("Item")], True, True)

    def usd(self, lambda_invocations: int, lambda_gb_seconds: float, api_requests: int) -> dict:
        s3_writes = sum(n for (svc, op), n in self.requests.items() if svc == "s3" and op in _S3_WRITES)
        s3_reads = sum(n for (svc, op), n in self.requests.items() if svc == "s3" and op not in _S3_WRITES)
        emails = sum(n for (svc, op), n in self.requests.items() if svc in ("ses", "sesv2") and op in _SES_SENDS)
        sqs = sum(n for (svc, _), n in self.requests.items() if svc == "sqs")
        return {
            "dynamodb": self.write_units * USD_PER_WRITE_REQUEST_UNIT + self.read_units * USD_PER_READ_REQUEST_UNIT,
            "lambda": lambda_invocations * USD_PER_LAMBDA_REQUEST + lambda_gb_seconds * USD_PER_LAMBDA_GB_SECOND,
            "api_gateway": api_requests * USD_PER_API_GATEWAY_REQUEST,
            "s3": s3_writes * USD_PER_S3_WRITE + s3_reads * USD_PER_S3_READ,
            "ses": emails * USD_PER_SES_EMAIL,
            "sqs": sqs * USD_PER_SQS_REQUEST,
        }


class _LambdaClock:
    """Invocations and GB-seconds of one function, from measured durations (billed per millisecond, rounded up)."""

    def __init__(self, memory_mb: int):
        self.memory_gb = memory_mb / 1024
        self.invocations = 0
        self.gb_seconds = 0.0

    def run(self, fn, *args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.invocations += 1
            self.gb_seconds += math.ceil((time.perf_counter() - start) * 1000) / 1000 * self.memory_gb


def _cost_per_1000_applications(env) -> float:
    from portal.accounts.repository import AccountRepository
    from portal.applications.repository import ApplicationRepository
    from portal.postings.repository import PostingRepository
    from tests.deploy import lambda_package
    from tests.factories import PASSWORD, apply_form, make_account, make_posting
    from tests.helpers import hidden_fields, login

    stack = env.new_stack()
    # A verified sender, so the pipeline's e-mails are really sent (and counted) rather than skipped.
    sender = "jobs@example.com"
    boto3.client("ses").verify_email_identity(EmailAddress=sender)
    # Every sample application comes from one address at machine speed: spam limits off for the costing.
    runtime = env.new_runtime(stack, mail_from=sender, apply_min_fill_seconds=0, apply_limit_per_ip_hour=10**6,
                              apply_limit_per_email_day=10**6)
    meter = OperationMeter()
    meter.attach(runtime.aws.session)  # before any client exists, so every client of the runtime reports
    from portal.web import create_app

    app = create_app(runtime=runtime)
    boto3.setup_default_session()
    meter.attach(boto3.DEFAULT_SESSION)  # code that uses boto3's default session (the pipeline may)
    memory_mb = lambda_package.stage_setting("prod", "memory_size")
    web, pipeline = _LambdaClock(memory_mb), _LambdaClock(lambda_package.stage_setting("prod_pipeline", "memory_size"))
    api_requests = 0

    seed = boto3.session.Session()  # unmetered: the posting and the recruiter exist before the applications
    seed_table = seed.resource("dynamodb").Table(stack["MainTableName"])
    posting = make_posting()
    PostingRepository(seed_table).put(posting)
    AccountRepository(seed_table).put(make_account(RECRUITER, teams=(posting.team,)))
    client = app.test_client()

    def request(method, path, **kwargs):
        nonlocal api_requests
        api_requests += 1
        return web.run(getattr(client, method), path, **kwargs)

    for n in range(SAMPLE_APPLICATIONS):
        form = hidden_fields(request("get", f"/apply/{posting.id}").get_data(as_text=True))
        answer = request("post", f"/apply/{posting.id}", data={**form, **apply_form(email=f"cost.{n}@example.com")})
        assert answer.status_code == 303, answer.status_code
        request("get", answer.headers["Location"])

    stream = _StreamReader(seed, stack["MainTableStreamArn"])
    _drain_stream_through_pipeline(runtime, stream, pipeline)  # screening and routing, history, counters, e-mail
    application_ids = [a.id for a in ApplicationRepository(seed_table).list_for_team(posting.team,
                                                                                     SAMPLE_APPLICATIONS).items]
    assert login(client, RECRUITER, PASSWORD).status_code == 303
    for application_id in application_ids:
        page = request("get", f"/admin/applications/{application_id}")
        for to_stage in ("interview", "offer"):
            # The move form of the page the recruiter sees, then the page the move redirects to.
            fields = hidden_fields(page.get_data(as_text=True))
            moved = request("post", f"/admin/applications/{application_id}/move",
                            data={"csrf_token": fields["csrf_token"], "to_stage": to_stage,
                                  "version": fields["version"], "reason": "", "next": ""})
            assert moved.status_code == 303, moved.status_code
            page = request("get", moved.headers["Location"])
    _drain_stream_through_pipeline(runtime, stream, pipeline)  # the moves' history, counters and e-mails

    usd = meter.usd(web.invocations + pipeline.invocations, web.gb_seconds + pipeline.gb_seconds, api_requests)
    per_thousand = sum(usd.values()) * 1000 / SAMPLE_APPLICATIONS
    print(f"  cost per 1,000 applications by service (rates read {PRICES_READ_ON}): "
          + ", ".join(f"{k} ${v * 1000 / SAMPLE_APPLICATIONS:.4f}" for k, v in usd.items()), file=sys.stderr)
    return round(per_thousand, 4)


class _StreamReader:
    """The main table's stream records since the last read (moto keeps one shard per table)."""

    def __init__(self, session, stream_arn: str):
        self.streams = session.client("dynamodbstreams")
        self.iterators = {}
        for shard in self.streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
            self.iterators[shard["ShardId"]] = self.streams.get_shard_iterator(
                StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        self.stream_arn = stream_arn

    def read_all(self) -> list[dict]:
        records = []
        for shard_id, iterator in list(self.iterators.items()):
            while iterator:
                resp = self.streams.get_records(ShardIterator=iterator, Limit=1000)
                records += resp["Records"]
                next_iterator = resp.get("NextShardIterator")
                if not resp["Records"]:
                    self.iterators[shard_id] = next_iterator
                    break
                iterator = next_iterator
        for record in records:
            record.setdefault("eventSourceARN", self.stream_arn)
            created = record["dynamodb"].get("ApproximateCreationDateTime")
            if created is not None:  # Lambda delivers it as epoch seconds
                record["dynamodb"]["ApproximateCreationDateTime"] = int(created.timestamp())
        return records


def _drain_stream_through_pipeline(runtime, stream: _StreamReader, clock: _LambdaClock) -> None:
    """Deliver the stream to the pipeline (portal.pipeline.handle_batch, on the metered runtime: what
    portal.pipeline.handle runs on the process's runtime) in trigger-sized batches until its own writes stop
    adding records."""
    from portal import pipeline

    for _ in range(50):  # bound: the pipeline's writes cause records, which must die out
        records = stream.read_all()
        if not records:
            return
        for start in range(0, len(records), STREAM_BATCH_SIZE):
            clock.run(pipeline.handle_batch, runtime, {"Records": records[start:start + STREAM_BATCH_SIZE]})
    raise RuntimeError("the stream did not go quiet: the pipeline keeps writing in response to its own writes")
