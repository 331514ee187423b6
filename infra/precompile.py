"""Adds bytecode to the Lambda zip, so a cold start imports instead of compiling (`make package` runs it).

Lambda's task root is read-only, so Python cannot cache what it compiles there: without .pyc files in the zip,
every cold start compiles every module it imports. The .pyc files use unchecked-hash invalidation, because a
zip does not keep the sources' modification times that timestamp-checked .pyc files are matched against.
Run with the Python of the Lambda runtime's version (the lean venv's): bytecode is specific to it.

    python infra/precompile.py build/package.zip
"""
from __future__ import annotations

import compileall
import os
import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path


def precompile(zip_path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(zip_path) as z:
            z.extractall(root)
        if not compileall.compile_dir(root, quiet=2, workers=0,
                                      invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH):
            raise SystemExit(f"some modules in {zip_path} do not compile")
        rewritten = zip_path.with_suffix(".tmp")
        with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo(str(path.relative_to(root)))
                info.create_system = 3  # Unix, so Lambda sees the permissions below
                info.external_attr = 0o755 << 16  # as Zappa writes them: readable and executable by the runtime
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, path.read_bytes(), compresslevel=9)
        os.replace(rewritten, zip_path)


if __name__ == "__main__":
    precompile(Path(sys.argv[1]))
