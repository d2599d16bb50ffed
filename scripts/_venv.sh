# Sourced by the scripts beside it: makes ./venv (the virtualenv Pulumi.yaml names) hold the given
# requirements file, reinstalling only when that file (or what it includes) changed. What is installed is
# the file's hash-pinned lock (requirements*.hashes.txt, made by scripts/lock): pip itself first, then every
# package by version and sha256 with --require-hashes --no-deps, so a tampered or substituted download,
# or a dependency nobody reviewed, fails the install instead of running with the deploy's credentials.
# Progress goes to stderr (a line per stage, then pip's own line per package), so stdout stays the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ensure_venv() {
  local req="$1" stamp="venv/.installed-$(basename "$1")"
  local locked="${req%.txt}.hashes.txt"
  local want started=$SECONDS
  want=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
  if [[ ! -x venv/bin/python ]]; then
    echo "venv: creating ./venv (first run only)" >&2
    python3 -m venv venv
  fi
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "venv: installing $locked into ./venv (first run or changed requirements: under a minute)" >&2
    venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
      -r requirements-pip.hashes.txt >&2
    # pip's own progress, one line per package (its errors go to stderr untouched); pipefail keeps its status.
    venv/bin/python -m pip install --disable-pip-version-check --progress-bar off --require-hashes --no-deps \
      -r "$locked" | { grep --line-buffered -E '^(Collecting|Installing|Successfully)' || true; } >&2
    echo "$want" > "$stamp"
    echo "venv: ready in $((SECONDS - started)) s" >&2
  fi
}
