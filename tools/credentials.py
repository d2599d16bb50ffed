"""The environment variables that carry credentials, for the tools that must keep them out of reach.

One list, so a credential added here is both withheld from the offline plan's process (tools/plan.py) and
redacted from everything the preview driver prints or writes (tools/preview_report.py).
"""

CREDENTIAL_ENV = (
    "PULUMI_ACCESS_TOKEN",
    "PULUMI_BACKEND_URL",
    "PULUMI_CONFIG_PASSPHRASE",
    "RAILWAY_API_TOKEN",
    "RAILWAY_TOKEN",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "APP_REPOSITORY_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
)
