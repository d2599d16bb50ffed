"""Run the Railway emulator standalone: `python -m testkit.fake_railway --port 4000 --token T` serves
http://127.0.0.1:4000/graphql/v2 and accepts T as a workspace token (besides test-workspace-token);
`--token-file F` reads T from F instead (off the command line, for a token not to be seen by `ps`).
Ctrl-C stops it."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from testkit.fake_railway.server import FakeRailwayServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m testkit.fake_railway", description=__doc__)
    parser.add_argument("--port", type=int, default=4000, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--token", help="a token to accept as a workspace token")
    parser.add_argument("--token-file", type=Path, help="a file holding a token to accept (first line)")
    args = parser.parse_args(argv)
    server = FakeRailwayServer(port=args.port)
    for token in (args.token, args.token_file.read_text().strip() if args.token_file else None):
        if token:
            server.backend.add_workspace_token(token)
    server.start()
    print(
        f"Railway emulator serving {server.url} (health: {server.base_url}/apps/<domain>/<path>)", flush=True
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
