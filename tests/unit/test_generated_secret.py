"""GeneratedSecret: a random URL-safe secret made once, kept on every later run, replaced only when its
length or keepers change, and registered with its value as a secret output."""

from __future__ import annotations

import re

from components.generated_secret import GeneratedSecretProvider

URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")


def test_create_makes_a_url_safe_value_of_the_asked_strength_each_time_different() -> None:
    provider = GeneratedSecretProvider()
    first = provider.create({"length": 32, "keepers": {"environment_id": "e1"}})
    second = provider.create({"length": 32, "keepers": {"environment_id": "e1"}})
    assert first.outs is not None and second.outs is not None
    assert URL_SAFE.fullmatch(first.outs["value"]) and len(first.outs["value"]) == 43  # 32 bytes, base64url
    assert first.outs["value"] != second.outs["value"]
    assert first.outs["keepers"] == {"environment_id": "e1"}


def test_the_same_inputs_keep_the_value_and_a_new_environment_replaces_it() -> None:
    provider = GeneratedSecretProvider()
    olds = {"length": 32, "keepers": {"environment_id": "e1"}, "value": "kept"}
    assert provider.diff("s", olds, {"length": 32, "keepers": {"environment_id": "e1"}}).changes is False
    replaced = provider.diff("s", olds, {"length": 32, "keepers": {"environment_id": "e2"}})
    assert (replaced.changes, replaced.replaces) == (True, ["keepers"])
    assert provider.read("s", olds).outs == olds


def test_check_refuses_fewer_than_16_bytes() -> None:
    failures = GeneratedSecretProvider().check({}, {"length": 8, "keepers": {}}).failures
    assert len(failures) == 1
    assert (failures[0].property, failures[0].reason) == ("length", "length must be a whole number >= 16")
