"""The layers hold: blueprints -> services -> repositories -> DynamoDB, with the pipeline and the site beside the
services, Flask only on the web side, and local-only code never on a Lambda path.

Two kinds of check: what the code imports and calls, read from its syntax tree; and what a fresh process really
loads when it handles a stream batch or builds the site.
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"
WEB_FRAMEWORK = ("flask", "flask_wtf", "wtforms", "werkzeug")
# The web side, and the few entry points that build on it: only these may import the web framework.
MAY_USE_THE_WEB = ("portal/web/", "portal/local/outbox.py", "portal/local/serving.py", "portal/local/__main__.py",
                   "portal/cli.py", "portal/wsgi.py")
# Where DynamoDB is called: the repositories (each handed its table), the DynamoDB helpers, and local-only code.
MAY_CALL_DYNAMODB = ("portal/accounts/repository.py", "portal/applications/repository.py",
                     "portal/appointments/repository.py", "portal/audit/repository.py",
                     "portal/postings/repository.py", "portal/reports/repository.py", "portal/selfid/repository.py", "portal/pipeline/repository.py", "portal/site/state.py",
                     "portal/dynamo.py", "portal/local/")
DYNAMODB_CALLS = {"get_item", "put_item", "update_item", "delete_item", "query", "scan", "batch_writer",
                  "batch_get_item", "transact_write_items", "batch_write_item"}
STORES = {"main_table", "postings", "applications", "drafts", "accounts", "audit", "reports", "selfid", "resumes",
          "site_state", "site_bucket", "pipeline_effects", "mailer", "aws"}


def modules():
    for path in sorted(PORTAL.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        yield rel, ast.parse(path.read_text(), rel)


def imported_names(tree) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_only_the_web_side_imports_the_web_framework():
    offenders = {rel: sorted(n for n in imported_names(tree) if n.split(".")[0] in WEB_FRAMEWORK)
                 for rel, tree in modules() if not rel.startswith(MAY_USE_THE_WEB)}
    assert {rel: names for rel, names in offenders.items() if names} == {}


def test_services_repositories_pipeline_and_site_never_import_the_web_side():
    offenders = {rel: sorted(n for n in imported_names(tree) if n.startswith("portal.web"))
                 for rel, tree in modules() if not rel.startswith(MAY_USE_THE_WEB) and rel != "portal/__init__.py"}
    assert {rel: names for rel, names in offenders.items() if names} == {}


def test_every_dynamodb_call_is_made_by_a_repository():
    offenders = []
    for rel, tree in modules():
        if rel.startswith(MAY_CALL_DYNAMODB):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DYNAMODB_CALLS:
                offenders.append(f"{rel}:{node.lineno} .{node.func.attr}()")
            if isinstance(node, ast.Attribute) and node.attr == "table" and rel != "portal/runtime.py":
                offenders.append(f"{rel}:{node.lineno} reaches for .table")
    assert offenders == []


def test_routes_call_services_never_a_repository_or_boto3():
    offenders = []
    for rel, tree in modules():
        if not rel.startswith("portal/web/"):
            continue
        for name in imported_names(tree):
            if name.split(".")[0] in ("boto3", "botocore") or name.endswith((".repository", "Repository")):
                offenders.append(f"{rel} imports {name}")
        for node in ast.walk(tree):
            # runtime().applications.get(...) and the like: a store reached from a route
            if (isinstance(node, ast.Attribute) and node.attr in STORES and isinstance(node.value, ast.Call)
                    and getattr(node.value.func, "id", "") == "runtime"):
                offenders.append(f"{rel}:{node.lineno} runtime().{node.attr}")
    assert offenders == []


def test_blueprints_share_through_the_shared_modules_not_each_others_routes():
    offenders = []
    for rel, tree in modules():
        parts = rel.split("/")
        if len(parts) < 4 or parts[1] != "web":
            continue
        own = f"portal.web.{parts[2]}"
        for name in imported_names(tree):
            if name.startswith("portal.web.") and not name.startswith((own, "portal.web.shared", "portal.web.forms")):
                offenders.append(f"{rel} imports {name}")
    assert offenders == []


def test_local_only_code_is_imported_only_by_local_mode_the_cli_and_the_guarded_dev_blueprint():
    allowed = ("portal/local/", "portal/cli.py", "portal/web/__init__.py")
    offenders = {rel: sorted(n for n in imported_names(tree) if n.startswith("portal.local"))
                 for rel, tree in modules() if not rel.startswith(allowed)}
    assert {rel: names for rel, names in offenders.items() if names} == {}


def test_every_module_opens_with_a_one_line_statement_of_what_it_is_for():
    missing = []
    for rel, tree in modules():
        doc = ast.get_docstring(tree)
        if not doc or not doc.splitlines()[0].strip():
            missing.append(rel)
    assert missing == []


def test_every_package_has_its_mirror_in_tests():
    packages = sorted(p.parent.relative_to(PORTAL).as_posix() for p in PORTAL.rglob("__init__.py") if p.parent != PORTAL)
    assert [p for p in packages if not (ROOT / "tests" / p).is_dir()] == []


# --- what a fresh process loads ------------------------------------------------------------------------------

FRESH_PROCESS = """
import json, sys
from portal import keys
{body}
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {web} or name.startswith("portal."))))
"""


def _loaded_by(body: str, stack_name: str) -> list[str]:
    env = {**os.environ, "PORTAL_STACK_NAME": stack_name, "PYTHONPATH": str(ROOT)}
    env.pop("PORTAL_SECRET_KEY", None)
    out = subprocess.run([sys.executable, "-c", FRESH_PROCESS.format(body=textwrap.dedent(body), web=WEB_FRAMEWORK[:3])],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _no_web(loaded: list[str]) -> list[str]:
    return [name for name in loaded if name.split(".")[0] in WEB_FRAMEWORK or name.startswith(("portal.web", "portal.local"))]


def test_a_fresh_process_handles_a_stream_batch_without_the_web_framework(stack, runtime, tmp_path):
    """A posting's INSERT: the pipeline publishes it, so the batch goes through the pipeline and the site."""
    from tests.factories import make_posting
    from tests.helpers import StreamTail

    tail = StreamTail(runtime.settings.main_table)
    runtime.postings.put(make_posting(title="Fresh Process Picker"))
    event = tail.event()
    assert event["Records"]
    (tmp_path / "event.json").write_text(json.dumps(event, default=str))
    loaded = _loaded_by(f"""
        import portal.pipeline
        result = portal.pipeline.handle(json.load(open({str(tmp_path / "event.json")!r})), None)
        assert result == {{"batchItemFailures": []}}, result
    """, stack["StackName"])
    assert "portal.pipeline.services" in loaded and "portal.site.publisher" in loaded, "it did handle the batch"
    assert _no_web(loaded) == []


def test_a_fresh_process_builds_the_site_without_the_web_framework(stack):
    loaded = _loaded_by("""
        from portal.runtime import Runtime
        from portal.site import build_site
        assert build_site(Runtime.from_environment()) > 50
    """, stack["StackName"])
    assert "portal.site.publisher" in loaded
    assert _no_web(loaded) == []


@pytest.mark.parametrize("local_mode", [False, True])
def test_the_web_app_loads_local_only_code_in_local_mode_only(stack, local_mode):
    loaded = _loaded_by(f"""
        from portal.web import create_app
        create_app({{"secret_key": "x", "local_mode": {local_mode}}})
    """, stack["StackName"])
    assert ("portal.local.outbox" in loaded) is local_mode
    assert [n for n in loaded if n.startswith("portal.local") and n != "portal.local.outbox"
            and n != "portal.local"] == []
