"""The dispatch inputs of an app preview, validated like a release's before anything is created: the pull
request number, the head commit, the image (the app's GHCR repository by digest only), never a fork."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.app_preview_inputs import InputError, validate

ROOT = Path(__file__).resolve().parents[2]
DIGEST = "sha256:" + "c3" * 32
GOOD = {
    "pr": "42",
    "head_commit": "0123456789abcdef0123456789abcdef01234567",
    "image": f"ghcr.io/cartly-app/cartly@{DIGEST}",
    "head_repository": "cartly-app/cartly",
}


def refused(**changes: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        validate({**GOOD, **changes}, ROOT)
    return list(caught.value.problems)


def test_good_inputs_name_the_stack_and_the_exact_image() -> None:
    request = validate(GOOD, ROOT)
    assert (request.stack, request.image, request.commit) == ("pr-42", GOOD["image"], GOOD["head_commit"])
    assert request.app_repository == "cartly-app/cartly"


@pytest.mark.parametrize(
    "pr", ["0", "-1", "042", "1234567890", "4.2", "", " 42", "42\n", "\u0664\u0662", "\uff14\uff12", "1e3"]
)
def test_a_pull_request_that_is_not_a_positive_number_of_at_most_9_ascii_digits_is_refused(pr: str) -> None:
    problems = refused(pr=pr)
    assert len(problems) == 1
    assert "expected a positive whole number of at most 9 digits (0-9)" in problems[0]


def test_nine_digits_is_the_largest_pull_request_number() -> None:
    assert validate({**GOOD, "pr": "999999999"}, ROOT).pr == 999_999_999


@pytest.mark.parametrize(
    "commit", ["abc1234", "0123456789ABCDEF0123456789ABCDEF01234567", "g" * 40, "a" * 41]
)
def test_a_head_commit_that_is_not_40_lowercase_hex_is_refused(commit: str) -> None:
    problems = refused(head_commit=commit)
    assert len(problems) == 1 and "expected the full 40-hex SHA" in problems[0]


@pytest.mark.parametrize(
    "image",
    [
        f"ghcr.io/someone-else/cartly@{DIGEST}",
        f"ghcr.io/cartly-app/cartly-fork@{DIGEST}",
        "ghcr.io/cartly-app/cartly:pr-42",
        f"docker.io/cartly-app/cartly@{DIGEST}",
        f"ghcr.io/cartly-app/cartly@{DIGEST}\nevil",
        DIGEST,
    ],
)
def test_an_image_other_than_the_apps_repository_by_digest_is_refused(image: str) -> None:
    problems = refused(image=image)
    assert len(problems) == 1
    assert "expected exactly ghcr.io/cartly-app/cartly@sha256:<64 lowercase hex>" in problems[0]


def test_a_fork_never_gets_a_preview() -> None:
    problems = refused(head_repository="mallory/cartly")
    assert len(problems) == 1
    assert "only pull requests from branches of cartly-app/cartly get a preview" in problems[0]


def test_every_problem_is_reported_at_once_and_hostile_text_is_cut_short() -> None:
    problems = refused(pr="x" * 500, head_commit="", image="", head_repository="", extra="1")
    assert len(problems) == 5
    assert all(len(p) < 300 for p in problems)
    assert "unknown inputs 'extra'" in problems[-1]


def test_a_destroy_needs_only_the_pull_request_and_its_repository() -> None:
    request = validate({"pr": "42", "head_repository": "cartly-app/cartly"}, ROOT, destroy=True)
    assert (request.stack, request.digest) == ("pr-42", "")
    with pytest.raises(InputError, match="a fork's never does"):
        validate({"pr": "42", "head_repository": "mallory/cartly"}, ROOT, destroy=True)
