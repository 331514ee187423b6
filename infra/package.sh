#!/usr/bin/env bash
# `make package`: the Lambda zip, built offline from a lean environment that holds the runtime requirements only.
#
# 1. build/wheels: wheels of requirements.txt and requirements-lambda.txt, at the versions the dev venv was
#    tested with (its `pip freeze` as constraints). Fetched once per requirements hash; offline after that.
# 2. build/venv: a fresh venv with only those wheels, installed with --no-index (no network).
# 3. `zappa package STAGE` with that venv active, so the zip holds its site-packages and nothing from .venv.
# 4. infra/precompile.py adds bytecode, so cold starts do not compile.
# The zip is cached by the hash of the requirements and every file that goes into it (build/package-<hash>.zip).
set -euo pipefail
cd "$(dirname "$0")/.."
STAGE="${1:-dev}"
PY=.venv/bin/python
BUILD=build
REQ_HASH=$(cat requirements.txt requirements-lambda.txt | sha1sum | cut -c1-12)

if [ ! -f "$BUILD/wheels/.complete-$REQ_HASH" ]; then
  rm -rf "$BUILD/wheels" && mkdir -p "$BUILD/wheels"
  "$PY" -m pip freeze --exclude-editable > "$BUILD/constraints.txt"
  "$PY" -m pip download --quiet --only-binary=:all: -r requirements.txt -c "$BUILD/constraints.txt" -d "$BUILD/wheels" 2>"$BUILD/pip.log"
  "$PY" -m pip download --quiet --only-binary=:all: --no-deps -r requirements-lambda.txt -d "$BUILD/wheels" 2>>"$BUILD/pip.log"
  touch "$BUILD/wheels/.complete-$REQ_HASH"
fi

if [ ! -f "$BUILD/venv/.installed-$REQ_HASH" ]; then
  rm -rf "$BUILD/venv"
  "$PY" -m venv --without-pip "$BUILD/venv"
  # The lean venv has no pip of its own: the dev venv's pip installs into it (--python), from the wheels only.
  "$PY" -m pip --python "$BUILD/venv/bin/python" install --quiet --no-index --find-links "$BUILD/wheels" -r requirements.txt
  "$PY" -m pip --python "$BUILD/venv/bin/python" install --quiet --no-index --find-links "$BUILD/wheels" --no-deps -r requirements-lambda.txt
  touch "$BUILD/venv/.installed-$REQ_HASH"
fi

# Compiled extensions (argon2, cffi) and the bytecode must match the Lambda runtime named in the settings.
RUNTIME=$("$PY" -c "import json,sys; s=json.load(open('zappa_settings.json')); st=sys.argv[1]
while 'runtime' not in s[st]: st=s[st]['extends']
print(s[st]['runtime'])" "$STAGE")
LEAN_PYTHON=$("$BUILD/venv/bin/python" -c 'import sys; print(f"python{sys.version_info[0]}.{sys.version_info[1]}")')
if [ "$RUNTIME" != "$LEAN_PYTHON" ]; then
  echo "zappa_settings.json says $RUNTIME but the build venv is $LEAN_PYTHON: build with the runtime's Python" >&2
  exit 1
fi

CONTENT_HASH=$( (echo "$REQ_HASH $STAGE"; git ls-files -co --exclude-standard portal templates static zappa_settings.json infra/precompile.py | LC_ALL=C sort | xargs sha1sum) | sha1sum | cut -c1-12)
ZIP="$BUILD/package-$STAGE-$CONTENT_HASH.zip"
if [ ! -f "$ZIP" ]; then
  rm -f "$BUILD"/package-"$STAGE"-*.zip
  VIRTUAL_ENV="$PWD/$BUILD/venv" .venv/bin/zappa package "$STAGE" --output "$ZIP.building" >"$BUILD/zappa.log" 2>&1 \
    || { cat "$BUILD/zappa.log"; exit 1; }
  "$BUILD/venv/bin/python" infra/precompile.py "$ZIP.building"
  mv "$ZIP.building" "$ZIP"
fi
cp "$ZIP" "$BUILD/portal-$STAGE.zip"
echo "$BUILD/portal-$STAGE.zip: $(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1]) / 2**20:.1f} MB')" "$ZIP")"
