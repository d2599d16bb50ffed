"""Fixtures of the tools' tests: the scripted GitHub/Slack server."""

from tests.support.scripted_http import scripted_http

__all__ = ["scripted_http"]
