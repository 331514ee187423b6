"""The access-pattern table in docs/ is the one in portal/keys.py."""
from pathlib import Path

import portal.keys

ROOT = Path(__file__).resolve().parent.parent


def _table(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    rules = [i for i, line in enumerate(lines) if line.startswith("=====")]
    return lines[rules[0]: rules[-1] + 1]


def test_docs_table_matches_keys_module():
    docs = _table((ROOT / "docs" / "data-model.md").read_text())
    assert docs == _table(portal.keys.__doc__)
    assert any("Scan" in line or "Query" in line for line in docs)
