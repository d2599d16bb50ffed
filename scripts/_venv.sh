# Sourced by the scripts beside it: makes ./venv (the virtualenv Pulumi.yaml names) hold the given
# requirements file, reinstalling only when that file (or what it includes) changed. Progress goes to
# stderr (a line per stage, then pip's own lines), so a script's stdout stays its result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ensure_venv() {
  local req="$1" stamp="venv/.installed-$(basename "$1")"
  local want started=$SECONDS
  want=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
  if [[ ! -x venv/bin/python ]]; then
    echo "venv: creating ./venv (first run only)" >&2
    python3 -m venv venv
  fi
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "venv: installing $req into ./venv (first run or changed requirements: under a minute)" >&2
    venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    # pip's own progress, one line per package (its errors go to stderr untouched); pipefail keeps its status.
    venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -r "$req" \
      | { grep --line-buffered -E '^(Collecting|Installing|Successfully)' || true; } >&2
    echo "$want" > "$stamp"
    echo "venv: ready in $((SECONDS - started)) s" >&2
  fi
}
