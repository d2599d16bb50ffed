"""A stub `pulumi` CLI for testing Automation API drivers without the real CLI.

`bin/pulumi` (put its directory first on PATH) runs `cli.py`; `harness.StubPulumi` installs a fast copy
for a test and reads back what it recorded. Kept import-free so the stub starts quickly.
"""
