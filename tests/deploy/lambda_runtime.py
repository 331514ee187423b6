"""A stand-in for AWS Lambda's Python runtime: run as a script in a fresh `python -I -S -B` process, nothing else on its path.

    python -I -S -B lambda_runtime.py TASK_ROOT LIBS HANDLER EVENTS_JSON RESULTS_JSON

TASK_ROOT is the unzipped package, LIBS what the runtime provides (boto3 and its dependencies), HANDLER the
function as Lambda names it ("portal.lambda_entry.handler"). The events are invoked in order, as one warm
container would; RESULTS_JSON gets each result, the cold time (imports plus the first invocation) and which
top-level modules the process loaded.
"""
import importlib
import json
import os
import sys
import time
import uuid

started = time.perf_counter()
task_root, libs, handler_name, events_path, results_path = sys.argv[1:6]
sys.path[:0] = [task_root, libs]
os.chdir(task_root)  # Lambda starts in the task root (/var/task)


class Context:
    """The attributes of Lambda's context object that handlers read."""

    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "flexwork-portal-dev")
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
    log_group_name = f"/aws/lambda/{function_name}"
    log_stream_name = "stand-in"

    def __init__(self):
        self.aws_request_id = str(uuid.uuid4())
        self.deadline = time.monotonic() + 30

    def get_remaining_time_in_millis(self):
        return int((self.deadline - time.monotonic()) * 1000)


with open(events_path) as f:
    events = json.load(f)
module_name, function_name = handler_name.rsplit(".", 1)
handler = getattr(importlib.import_module(module_name), function_name)
results, cold_invoke_ms = [], None
for event in events:
    try:
        results.append({"result": handler(event, Context())})
    except Exception as exc:  # Lambda reports an invocation error; the caller decides what that means
        results.append({"error": f"{type(exc).__name__}: {exc}"})
    if cold_invoke_ms is None:
        cold_invoke_ms = (time.perf_counter() - started) * 1000
with open(results_path, "w") as f:
    json.dump({"cold_invoke_ms": cold_invoke_ms, "results": results,
               "top_level_modules": sorted({name.split(".")[0] for name in sys.modules}),
               "modules_outside_the_package": sorted(
                   name for name, module in sys.modules.items()
                   if getattr(module, "__file__", None) and "site-packages" in module.__file__
                   and not module.__file__.startswith((task_root, libs)))}, f, default=str)
