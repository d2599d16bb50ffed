"""Under mocks: each Deployment gets the stack's post-deploy checks; the web's smoke steps and Sentry token
arrive with their secrets wrapped as one Pulumi secret, and no secret value sits in a plain input."""

from __future__ import annotations

import json

from tests.program.test_program_secrets import leaves
from tests.support.program_runs import one, plain
from tests.support.pulumi_mocks import ProgramRun, is_secret, run_program

PASSWORD = "stub-smoke-password-3e1"
TOKEN = "stub-sentry-token-8a2"
STEP = {"method": "POST", "path": "/api/auth/login", "body": {"password": "{{secret:smokeUserPassword}}"}}
CONFIG = {
    "smokeSteps": json.dumps([json.dumps(STEP)]),
    "sentryOrganization": "cartly",
    "sentryProject": "web",
}


def run() -> ProgramRun:
    return run_program(
        "production", config=CONFIG, secrets={"smokeUserPassword": PASSWORD, "sentryAuthToken": TOKEN}
    )


def test_the_web_deployment_runs_the_smoke_steps_sentry_and_the_production_bake() -> None:
    web = one(run(), "railway:Deployment", "cartly-web-deployment")
    checks = plain(web, "post_deploy")
    assert checks["smoke_steps"] == [STEP]
    assert checks["bake_window_seconds"] == 180
    assert checks["sentry"] == {
        "url": "https://sentry.io",
        "organization": "cartly",
        "project": "web",
        "max_new_issues": 0,
    }
    assert is_secret(web.inputs["post_deploy_secrets"])
    assert plain(web, "post_deploy_secrets") == {
        "smoke": {"smokeUserPassword": PASSWORD},
        "sentry_token": TOKEN,
    }


def test_the_worker_bakes_but_gets_no_smoke_steps_sentry_or_secret() -> None:
    worker = one(run(), "railway:Deployment", "cartly-worker-deployment")
    checks = plain(worker, "post_deploy")
    assert "smoke_steps" not in checks and "sentry" not in checks
    assert checks["memory_percent"] == 85.0
    assert plain(worker, "post_deploy_secrets") == {"smoke": {}}


def test_no_smoke_or_sentry_secret_sits_in_a_plain_input() -> None:
    found = [
        (resource.name, secret)
        for resource in run()
        for text, secret in leaves({k: v for k, v in resource.inputs.items() if k != "__provider"})
        if PASSWORD in text or TOKEN in text
    ]
    assert len(found) == 2
    assert all(secret for _name, secret in found)
