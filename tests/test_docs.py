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


def test_every_source_path_the_docs_name_exists():
    """README and docs/ name files by path; after a move they must follow."""
    import re

    named = {path for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
             for path in re.findall(r"\b(?:portal|tests|bench|infra)/[\w/.-]*\.(?:py|yaml|sh)\b", doc.read_text())}
    assert named, "the docs name no paths: the pattern is wrong"
    assert sorted(p for p in named if not (ROOT / p).exists()) == []
