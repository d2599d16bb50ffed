# Sourced by the scripts beside it: makes ./venv (the virtualenv Pulumi.yaml names) hold the given
# requirements file, reinstalling only when that file (or what it includes) changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ensure_venv() {
  local req="$1" stamp="venv/.installed-$(basename "$1")"
  local want
  want=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
  if [[ ! -x venv/bin/python ]]; then
    python3 -m venv venv
  fi
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
    echo "$want" > "$stamp"
  fi
}
