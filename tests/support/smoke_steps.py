"""The smoke steps that the tests of the post-deploy checks (settings and the Deployment provider) share."""

from __future__ import annotations

from typing import Any

# Logs the smoke user in with the password kept as the stack secret smokeUserPassword; expects a token.
LOGIN_STEP: dict[str, Any] = {
    "name": "login",
    "method": "POST",
    "path": "/api/auth/login",
    "body": {"email": "smoke@cartly.io", "password": "{{secret:smokeUserPassword}}"},
    "expectField": "token",
}
