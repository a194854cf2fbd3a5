# Shared by scripts/run, scripts/test and scripts/bench: make sure .venv exists and is up to date.
# Usage: source scripts/_venv.sh [extras]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
EXTRAS="${1:-}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Ouderbrug needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv ..." >&2
  "$PYTHON" -m venv .venv
fi
# Exact versions with their hashes (scripts/lock updates them): the dev lock for tests and CI.
LOCK="requirements.lock"
if [ -n "$EXTRAS" ]; then
  LOCK="requirements-dev.lock"
fi
STAMP=".venv/.ouderbrug-installed-$(cat pyproject.toml "$LOCK" | sha256sum | cut -c1-16)${EXTRAS:+-$EXTRAS}"
if [ ! -f "$STAMP" ]; then
  echo "Installing Ouderbrug and its dependencies ($LOCK) into .venv ..." >&2
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  .venv/bin/python -m pip install --quiet --require-hashes -r "$LOCK" >&2
  if [ -n "$EXTRAS" ]; then
    .venv/bin/python -m pip install --quiet --no-deps -e ".[$EXTRAS]" >&2
  else
    .venv/bin/python -m pip install --quiet --no-deps -e . >&2
  fi
  rm -f .venv/.ouderbrug-installed-*
  touch "$STAMP"
fi
export PATH="$ROOT/.venv/bin:$PATH"
