"""`python -m testkit.standins github|docker <engine address>`: serve one stand-in plugin."""

from __future__ import annotations

import sys

from pulumi.provider.experimental.server import main as serve

from testkit.standins.install import wanted_version
from testkit.standins.plugins import STANDINS


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in STANDINS:
        print(f"usage: python -m testkit.standins {{{'|'.join(STANDINS)}}} <engine address>", file=sys.stderr)
        return 2
    name = argv[0]
    sys.argv = [sys.argv[0], *argv[1:]]  # the server parses the engine address from sys.argv
    serve(argv[1:], wanted_version(name), STANDINS[name]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
