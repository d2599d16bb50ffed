"""The sandbox's Railway emulator as a background process: started on a free 127.0.0.1 port with a generated
workspace token (in a mode-600 file, never on a command line), found again by the pid and URL it leaves in
the sandbox's state directory, and stopped by that pid once it is sure the pid is still the emulator's.

Owns only the process; what runs against it is tools/sandbox.py's.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODULE = "testkit.fake_railway"
SERVING = re.compile(r"serving (http://127\.0\.0\.1:(\d+))/graphql/v2")
PROBE_DOMAIN = "sandbox-probe.invalid"


class EmulatorError(Exception):
    """The emulator cannot be started or reached; the message names the cause and the fix."""


@dataclass(frozen=True)
class Emulator:
    """A running emulator: its process id and base URL (the GraphQL endpoint is `url`)."""

    pid: int
    base_url: str

    @property
    def url(self) -> str:
        return f"{self.base_url}/graphql/v2"

    @property
    def health_template(self) -> str:
        """RAILWAY_HEALTH_URL_TEMPLATE: the emulator answers each service domain's health checks."""
        return f"{self.base_url}/apps/{{domain}}{{path}}"

    def app_url(self, domain: str, path: str = "/health") -> str:
        return f"{self.base_url}/apps/{domain}{path}"


def write_private(path: Path, text: str) -> None:
    """Write `text` to a file only this user can read (created with mode 600, never wider)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def token_file(state: Path) -> Path:
    return state / "railway-token"


def workspace_token(state: Path) -> str:
    """The generated workspace token the emulator accepts (created on first use)."""
    path = token_file(state)
    if not path.exists():
        write_private(path, secrets.token_urlsafe(24) + "\n")
    return path.read_text().strip()


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def start(state: Path, port: int = 0, timeout: float = 30.0) -> Emulator:
    """Start the emulator detached from this process (it outlives `scripts/sandbox up`)."""
    if port and not port_free(port):
        raise EmulatorError(
            f"port {port} on 127.0.0.1 is in use: pick another with --port, or leave it out for a free one"
        )
    workspace_token(state)
    log = state / "emulator.log"
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603 (this interpreter, our module; the token is in a file)
            [sys.executable, "-m", MODULE, "--port", str(port), "--token-file", str(token_file(state))],
            cwd=REPO,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal that ran `up` does not stop it
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = SERVING.search(log.read_text())
        if found:
            emulator = Emulator(process.pid, found.group(1))
            write_private(state / "emulator.json", json.dumps(asdict(emulator)) + "\n")
            return emulator
        if process.poll() is not None:
            lines = log.read_text().strip().splitlines() or ["no output"]
            raise EmulatorError(f"the Railway emulator exited at start: {lines[-1]} (log: {log})")
        time.sleep(0.1)
    process.kill()
    raise EmulatorError(f"the Railway emulator did not start within {timeout:.0f} s (log: {log})")


def recorded(state: Path) -> Emulator | None:
    """The emulator an earlier `up` recorded, running or not; None if none was recorded."""
    path = state / "emulator.json"
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        return Emulator(int(data["pid"]), str(data["base_url"]))
    except (ValueError, KeyError, TypeError):
        return None  # a torn or hand-edited file: treated as no emulator (a stale one is stopped by pid)


def is_ours(pid: int) -> bool:
    """Whether `pid` is alive and is this emulator (a pid reused by another program is not)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): alive is all we can tell; `answers` checks the URL too
    return MODULE.encode() in cmdline


def answers(emulator: Emulator) -> bool:
    """Whether the emulator answers at its URL (an unknown domain's health check: 404 from the emulator)."""
    try:
        urllib.request.urlopen(emulator.app_url(PROBE_DOMAIN), timeout=2)  # noqa: S310 (loopback http)
    except urllib.error.HTTPError as exc:
        return exc.code == 404 and b"Application not found" in exc.read()
    except OSError:
        return False
    return False


def running(state: Path) -> Emulator | None:
    """The recorded emulator if it is still up and answering."""
    emulator = recorded(state)
    if emulator is not None and is_ours(emulator.pid) and answers(emulator):
        return emulator
    return None


def stop(state: Path, timeout: float = 10.0) -> bool:
    """Stop the recorded emulator if it still runs. True if one was stopped."""
    emulator = recorded(state)
    if emulator is None or not is_ours(emulator.pid):
        return False
    os.kill(emulator.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _reaped(emulator.pid) or not is_ours(emulator.pid):
            return True
        time.sleep(0.1)
    os.kill(emulator.pid, signal.SIGKILL)
    return True


def _reaped(pid: int) -> bool:
    """A zombie child of this process (the tests start `up` in-process) is gone once waited for."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return done == pid
