"""The validators every provider's `check` uses (checks.py): each failure names the property and the fix,
whole-number floats from the engine count as whole numbers, and unknown values (preview) always pass."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from pulumi_railway.toolkit import checks
from tests.support.provider_harness import DIGEST


def test_unknown_values_are_recognised_at_any_depth() -> None:
    unknown = pulumi.output.UNKNOWN
    assert [checks.is_unknown(v) for v in (unknown, {"a": unknown}, [1, unknown])] == [True, True, True]
    assert [checks.is_unknown(v) for v in ("x", None, {"a": 1})] == [False, False, False]


@pytest.mark.parametrize("name", ["", " web", "web/api", "x" * 101, 7])
def test_bad_names_fail_naming_the_property(name: Any) -> None:
    [failure] = checks.check_name({"name": name}, "name")
    assert failure.property == "name"
    assert "must be a non-empty name" in failure.reason


def test_whole_numbers_out_of_range_fail_with_the_bounds() -> None:
    [failure] = checks.check_int({"n": 0}, "n", minimum=1, maximum=5)
    assert (failure.property, failure.reason) == (
        "n",
        "n must be a whole number at least 1 and at most 5; got 0",
    )


@pytest.mark.parametrize("value", [2**31, 3e9])
def test_whole_numbers_beyond_railways_32_bit_int_fail_before_anything_is_sent(value: Any) -> None:
    [failure] = checks.check_int({"num_replicas": value}, "num_replicas", minimum=1)
    assert failure.property == "num_replicas"
    assert "at most 2147483647 (Railway's Int is 32-bit)" in failure.reason


def test_the_largest_32_bit_int_passes() -> None:
    assert checks.check_int({"n": 2**31 - 1}, "n", minimum=0) == []


def test_booleans_are_not_whole_numbers() -> None:
    assert len(checks.check_int({"n": True}, "n", minimum=0)) == 1


def test_choices_list_the_allowed_values() -> None:
    [failure] = checks.check_choice({"region": "mars"}, "region", checks.REGIONS)
    assert "us-west2, us-east4-eqdc4a" in failure.reason


def test_a_tag_only_image_fails_when_a_digest_is_required() -> None:
    [failure] = checks.check_image({"image": "ghcr.io/cartly/web:1.2"}, "image", pinned=True, required=True)
    assert failure.property == "image"
    assert "pinned by digest" in failure.reason


def test_images_by_digest_and_by_tag_are_well_formed() -> None:
    props = {
        "a": f"ghcr.io/cartly/web:pr-42@{DIGEST}",
        "b": "ghcr.io/cartly/web:pr-42",
        "c": "localhost:5000/x",
    }
    assert [checks.check_image(props, key, pinned=False, required=True) for key in props] == [[], [], []]


def test_malformed_images_fail() -> None:
    [failure] = checks.check_image({"image": "GHCR.io/Cartly web"}, "image", pinned=False, required=True)
    assert "must be an image reference" in failure.reason


def test_validators_let_unknown_values_through() -> None:
    props = {"x": pulumi.output.UNKNOWN}
    found = [
        *checks.check_name(props, "x"),
        *checks.check_id(props, "x"),
        *checks.check_int(props, "x", minimum=1),
        *checks.check_choice(props, "x", ["a"]),
        *checks.check_bool(props, "x"),
        *checks.check_string(props, "x"),
        *checks.check_image(props, "x", pinned=True, required=True),
    ]
    assert found == []


def test_the_engines_whole_number_floats_are_whole_numbers() -> None:
    assert checks.check_int({"n": 2.0}, "n", minimum=1) == []
    assert checks.as_int(2.0) == 2
    assert type(checks.as_int(2.0)) is int


def test_fractional_numbers_are_not_whole_numbers() -> None:
    [failure] = checks.check_int({"n": 2.5}, "n", minimum=1)
    assert failure.reason == "n must be a whole number at least 1; got 2.5"
