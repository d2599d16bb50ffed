"""The environment variables that carry credentials, and the environment a preview's processes may see.

One list: a credential added here is withheld from the offline plan and redacted from every preview report;
`confined()` is the environment a preview's Pulumi CLI gets (its state was written by pull-request code).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

CREDENTIAL_ENV = (
    "PULUMI_ACCESS_TOKEN",
    "PULUMI_BACKEND_URL",
    "PULUMI_CONFIG_PASSPHRASE",
    "RAILWAY_API_TOKEN",
    "RAILWAY_TOKEN",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "APP_REPOSITORY_TOKEN",
    "INFRA_GITHUB_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
)
# What a preview stack needs: its state backend and the backend's keys, the passphrase of its secrets, and
# the Railway token of the non-production workspace. No GitHub token: previews declare no GitHub resource.
PREVIEW_CREDENTIALS = frozenset(
    {
        "PULUMI_BACKEND_URL",
        "PULUMI_CONFIG_PASSPHRASE",
        "PULUMI_CONFIG_PASSPHRASE_FILE",
        "RAILWAY_API_TOKEN",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    }
)
# A name that looks like it holds a credential (the runner's own ACTIONS_RUNTIME_TOKEN and
# ACTIONS_ID_TOKEN_REQUEST_TOKEN included): withheld from a preview unless it is one of the above.
CREDENTIAL_NAME = re.compile(
    r"TOKEN|SECRET|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_?KEY|_PAT\Z|DATABASE_URL|REDIS_URL|DSN",
    re.IGNORECASE,
)
# A URL with a password in it (postgres://user:password@host) is a credential whatever its name.
CREDENTIAL_VALUE = re.compile(r"://[^/\s:@]+:[^/\s@]+@")


def looks_secret(name: str, value: str = "") -> bool:
    return name in CREDENTIAL_ENV or bool(CREDENTIAL_NAME.search(name) or CREDENTIAL_VALUE.search(value))


def confined(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` without any credential but the previews' own."""
    return {k: v for k, v in environ.items() if k in PREVIEW_CREDENTIALS or not looks_secret(k, v)}
