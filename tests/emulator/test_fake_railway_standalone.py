"""Self-test of the standalone emulator: `python -m testkit.fake_railway --port P --token T` prints its URL,
accepts T as a workspace token, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

from testkit.fake_railway.gql import Gql

ROOT = Path(__file__).resolve().parents[2]


def test_the_standalone_server_prints_its_url_accepts_its_token_and_stops_on_ctrl_c() -> None:
    command = [sys.executable, "-m", "testkit.fake_railway", "--port", "0", "--token", "standalone-token"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/graphql/v2)", line)
        assert match, line
        data = Gql(match.group(1), "standalone-token").data(
            "query Projects { projects { edges { node { id } } } }"
        )
        assert data == {"projects": {"edges": []}}
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()
