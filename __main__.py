"""The cartly-infra program: `pulumi up --stack production|staging|pr-<N>`.

Thin on purpose: load and validate this stack's settings (before any resource is declared), build the
`CartlyStack` component, export its outputs. Everything else lives in `components/`.
"""

from __future__ import annotations

import pulumi

from components.cartly_stack import CartlyStack, CartlyStackArgs
from components.settings.load import load_settings


def main() -> None:
    settings = load_settings()
    stack = CartlyStack("cartly", CartlyStackArgs(settings))
    for name, value in stack.outputs.items():
        pulumi.export(name, value)


if __name__ == "__main__":
    main()
