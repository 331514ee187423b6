"""`make bench`: run every bench/bench_*.py, merge their figures into bench/results.json and print it.

Each module defines figures(env) -> dict of figure name to number. Times are noisy on a shared 2-core
machine, so figures are counts where possible, and times are quoted next to a baseline from the same run.
"""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import BenchEnvironment  # noqa: E402


def main(only: list[str]) -> int:
    results: dict[str, float] = {}
    with BenchEnvironment() as env:
        for path in sorted(HERE.glob("bench_*.py")):
            if only and path.stem not in only:
                continue
            module = importlib.import_module(f"bench.{path.stem}")
            print(f"# {path.stem}", file=sys.stderr, flush=True)
            results.update(module.figures(env))
    out = HERE / "results.json"
    if only and out.exists():
        results = {**json.loads(out.read_text()), **results}
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps(results, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
