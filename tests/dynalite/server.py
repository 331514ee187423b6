"""dynalite (a second DynamoDB, from npm) on loopback, with the tables of infra/template.yaml: for tests and bench.

dynalite has GSIs, conditional writes and paging, but no CloudFormation, no streams and no TransactWriteItems.
So the tables are created from the template's AWS::DynamoDB::Table resources with CreateTable, keeping the
keys and indexes and dropping what dynalite has no use for (streams, TTL, point-in-time recovery, encryption).
On dynalite no stream pipeline runs, and a transaction raises portal.dynamo.TransactionsUnsupported.

    with Dynalite() as server:
        names = server.create_tables("bench-1")          # {"MainTable": "bench-1-main", ...}
        table = server.resource().Table(names["MainTable"])
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import boto3
from cfnlint.decode import decode_str

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATE = ROOT / "infra" / "template.yaml"
CLI = ROOT / "node_modules" / "dynalite" / "cli.js"

# What CreateTable takes from a table's CloudFormation properties; the rest has no CreateTable equivalent here.
_CREATE_TABLE_PROPERTIES = (
    "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "BillingMode",
    "ProvisionedThroughput",
)


class DynaliteUnavailable(RuntimeError):
    """node or the dynalite package is missing: `make test` installs both (Debian's nodejs, then npm ci)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_table_requests(stack_name: str, template_text: str | None = None) -> dict[str, dict]:
    """CreateTable arguments for each AWS::DynamoDB::Table of the template, by logical id."""
    template, errors = decode_str(template_text if template_text is not None else TEMPLATE.read_text())
    if errors:
        raise ValueError(f"infra/template.yaml does not parse: {errors}")
    requests = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        properties = resource["Properties"]
        request = {"TableName": _resolve_name(properties["TableName"], stack_name)}
        request.update({k: _plain(properties[k]) for k in _CREATE_TABLE_PROPERTIES if k in properties})
        requests[logical_id] = request
    return requests


def _resolve_name(value, stack_name: str) -> str:
    if isinstance(value, str):
        return value
    if set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
        resolved = value["Fn::Sub"].replace("${AWS::StackName}", stack_name)
        if "${" not in resolved:
            return resolved
    raise ValueError(f"a table name dynalite can use must be a string or a Sub of AWS::StackName only, not {value!r}")


def _plain(value):
    """The decoder's node types as plain dicts and lists, which botocore's validation expects."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class Dynalite:
    """One dynalite server on 127.0.0.1. The PID held is the server's own (node runs cli.js, no npx in between)."""

    def __init__(self, port: int | None = None, start_timeout: float = 20.0):
        self.port = port or free_port()
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Dynalite":
        node = shutil.which("node")
        if node is None or not CLI.exists():
            raise DynaliteUnavailable(f"dynalite needs node and {CLI.relative_to(ROOT)}: run `make test` to install them")
        # --host: dynalite listens on every interface otherwise. The *TableMs flags make tables ACTIVE at once.
        self.process = subprocess.Popen(
            [node, str(CLI), "--host", "127.0.0.1", "--port", str(self.port),
             "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_listening()
        return self

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DynaliteUnavailable(f"dynalite exited at start: {self.process.stderr.read().decode(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)  # poll interval while waiting for the port, bounded by the deadline
        self.stop()
        raise DynaliteUnavailable(f"dynalite did not listen on port {self.port} within {self.start_timeout} s")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stderr.close()
        self.process = None

    def __enter__(self) -> "Dynalite":
        return self.start()

    def __exit__(self, *exc) -> bool:
        self.stop()
        return False

    def client(self):
        return boto3.client("dynamodb", endpoint_url=self.endpoint_url, region_name="us-east-1")

    def resource(self):
        return boto3.resource("dynamodb", endpoint_url=self.endpoint_url, region_name="us-east-1")

    def create_tables(self, stack_name: str) -> dict[str, str]:
        """Create the template's tables as `stack_name` would name them; returns table names by logical id."""
        client = self.client()
        names = {}
        for logical_id, request in create_table_requests(stack_name).items():
            client.create_table(**request)
            names[logical_id] = request["TableName"]
        for name in names.values():
            client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.05, "MaxAttempts": 200})
        return names
