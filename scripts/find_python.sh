#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter, or explain what is missing and exit 1.
# Order: $PYTHON, python3.13 / python3.12 / python3 on PATH (pyenv shims only count when they
# actually run), then $(pyenv root)/versions/3.12.* and 3.13.*.
set -uo pipefail

ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

candidates=()
[[ -n "${PYTHON:-}" ]] && candidates+=("$PYTHON")
for name in python3.12 python3.13 python3; do
    if path="$(command -v "$name" 2>/dev/null)"; then candidates+=("$path"); fi
done
root="$(pyenv root 2>/dev/null || true)"
[[ -z "$root" ]] && root="${PYENV_ROOT:-$HOME/.pyenv}"
for pattern in "$root"/versions/3.12.*/bin/python3 "$root"/versions/3.13.*/bin/python3; do
    [[ -x "$pattern" ]] && candidates+=("$pattern")
done

for c in "${candidates[@]}"; do
    if ok "$c"; then
        # Resolve pyenv shims and symlinks to the real interpreter for a stable venv.
        "$c" -c 'import sys; print(sys.executable)'
        exit 0
    fi
done

cat >&2 <<MSG
error: Python >= 3.12 is required (Django 6.1), but none was found.
  Looked for: \$PYTHON, python3.12, python3.13 and python3 on PATH, and $root/versions/3.12.*|3.13.*.
  Install one (e.g. 'pyenv install 3.12' or your system's python3.12 package), or run
  'make PYTHON=/path/to/python3.12 run'.
MSG
exit 1
