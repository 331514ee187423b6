"""The Lambda package as Lambda would run it: `make package` (cached by content), unzipped, invoked in a fresh process.

Used by tests/deploy/test_package.py and bench/bench_deploy.py.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent.parent
RUNTIME = Path(__file__).resolve().parent / "lambda_runtime.py"
SETTINGS = json.loads((ROOT / "zappa_settings.json").read_text())
HANDLER = SETTINGS["dev"]["lambda_handler"]
# What Lambda's Python runtime provides and the package therefore leaves out (zappa_settings.json "exclude").
LAMBDA_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py")


def build(stage: str = "dev") -> Path:
    """`make package` for the stage; infra/package.sh reuses the zip while nothing that goes into it changed."""
    subprocess.run(["make", "--no-print-directory", "package", f"STAGE={stage}"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return ROOT / "build" / f"portal-{stage}.zip"


def unpack(zip_path: Path, into: Path) -> tuple[Path, Path]:
    """The task root (the zip's files) and a folder with only what the Lambda runtime provides, linked from this venv."""
    task_root, libs = into / "task", into / "runtime-libs"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(task_root)
    libs.mkdir()
    site_packages = Path(sysconfig.get_paths()["purelib"])
    for name in LAMBDA_PROVIDED:
        (libs / name).symlink_to(site_packages / name)
    return task_root, libs


def stage_setting(stage: str, name: str):
    """One setting of a Zappa stage, following "extends" as Zappa does (a stage's own value wins)."""
    settings = SETTINGS[stage]
    while name not in settings and "extends" in settings:
        settings = SETTINGS[settings["extends"]]
    return settings.get(name)


def invoke(task_root: Path, libs: Path, events: list[dict], env: dict, stage: str = "dev") -> dict:
    """Invoke the package's handler with each event in one fresh, isolated process; returns results, cold time
    and everything the process wrote ("log").

    The process gets what Lambda would give the stage's function: its aws_environment_variables, plus ``env``
    (credentials, and the emulator's endpoint here).
    """
    with tempfile.TemporaryDirectory() as tmp:
        events_path, results_path = Path(tmp) / "events.json", Path(tmp) / "results.json"
        events_path.write_text(json.dumps(events))
        lambda_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LAMBDA_TASK_ROOT": str(task_root),
            "AWS_LAMBDA_FUNCTION_NAME": "flexwork-portal-dev",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "TMPDIR": tmp,
            **(stage_setting(stage, "aws_environment_variables") or {}),
            **env,
        }
        proc = subprocess.run(
            # -B: Lambda's task root is read-only, so no bytecode is written there between cold starts either.
            [sys.executable, "-I", "-S", "-B", str(RUNTIME), str(task_root), str(libs), HANDLER, str(events_path),
             str(results_path)],
            env=lambda_env, cwd=tmp, capture_output=True, text=True, timeout=120,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"the package's process failed:\n{proc.stderr[-4000:]}")
        # What the function wrote is what CloudWatch Logs would keep.
        return {**json.loads(results_path.read_text()), "log": proc.stdout + proc.stderr}


def api_gateway_event(method: str, path: str, *, headers: dict | None = None, body: str | None = None,
                      query: dict | None = None, stage: str = "dev") -> dict:
    """An API Gateway REST API (v1) proxy event, as API Gateway sends it to Lambda, multi-value fields included."""
    headers = {
        "Host": "abc123def4.execute-api.us-east-1.amazonaws.com",
        "User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile",
        "X-Forwarded-For": "203.0.113.9, 130.176.0.1",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        **(headers or {}),
    }
    multi_value_headers = {k: [v] for k, v in headers.items()}
    if "Cookie" in headers:  # browsers over HTTP/2 may send several cookie lines; API Gateway keeps each
        multi_value_headers["Cookie"] = [c.strip() for c in headers["Cookie"].split(";")]
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": multi_value_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}", "httpMethod": method, "path": f"/{stage}{path}", "stage": stage,
            "accountId": "123456789012", "apiId": "abc123def4", "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "protocol": "HTTP/1.1", "domainName": headers["Host"],
            "identity": {"sourceIp": "203.0.113.9", "userAgent": headers["User-Agent"]},
        },
        "body": body,
        "isBase64Encoded": False,
    }


def form_body(fields: dict) -> str:
    return urlencode(fields, doseq=True)


def set_cookie_headers(response: dict) -> list[str]:
    values = list((response.get("multiValueHeaders") or {}).get("Set-Cookie") or [])
    single = (response.get("headers") or {}).get("Set-Cookie")
    if single and single not in values:
        values.append(single)
    return values


def response_cookies(response: dict) -> str:
    """The Cookie header a browser would send back after this API Gateway response."""
    return "; ".join(v.split(";", 1)[0] for v in set_cookie_headers(response))


def stream_event(table, event_name: str, new: dict | None = None, old: dict | None = None, sequence: int = 1) -> dict:
    """A DynamoDB stream batch of one record, in the exact shape Lambda's event source mapping delivers."""
    from boto3.dynamodb.types import TypeSerializer

    serialize = TypeSerializer().serialize
    image = new or old
    record = {
        "eventID": f"{sequence:032x}",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1795000000,
            "Keys": {k: serialize(image[k]) for k in ("pk", "sk")},
            "SequenceNumber": f"{sequence:021d}",
            "SizeBytes": 512,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": table.latest_stream_arn,
    }
    if new is not None:
        record["dynamodb"]["NewImage"] = {k: serialize(v) for k, v in new.items()}
    if old is not None:
        record["dynamodb"]["OldImage"] = {k: serialize(v) for k, v in old.items()}
    return {"Records": [record]}
