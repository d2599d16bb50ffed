"""ImagePin's check and diff: the digest a stack runs is the release's, else state's, else the tag's."""

from __future__ import annotations

from pulumi.output import Unknown

from components.image_pin import ImagePinProvider
from tests.support.program_runs import program_run
from tests.support.pulumi_mocks import run_program

REPO = "ghcr.io/cartly-app/cartly"
TAG_DIGEST = "sha256:" + "7" * 64
OLD = "sha256:" + "0" * 64
NEW = "sha256:" + "1" * 64


def news(requested: str = "", resolved: object = TAG_DIGEST, repository: str = REPO) -> dict[str, object]:
    return {
        "repository": repository,
        "tag": "main",
        "requested": requested,
        "resolved": resolved,
        "digest": None,
    }


def olds(digest: str = OLD, repository: str = REPO) -> dict[str, object]:
    return {**news(), "repository": repository, "digest": digest}


def checked(old: dict[str, object], new: dict[str, object]) -> tuple[object, list[str]]:
    result = ImagePinProvider().check(old, new)
    return result.inputs["digest"], [f"{f.property}: {f.reason}" for f in result.failures]


def test_a_new_stack_runs_the_digest_its_tag_resolved_to() -> None:
    assert checked({}, news()) == (TAG_DIGEST, [])


def test_an_infra_only_run_keeps_the_digest_in_state_even_when_the_tag_moved() -> None:
    assert checked(olds(), news()) == (OLD, [])


def test_a_release_replaces_the_digest_in_state() -> None:
    assert checked(olds(), news(requested=NEW)) == (NEW, [])


def test_a_changed_repository_resolves_again_instead_of_keeping_another_repositorys_digest() -> None:
    assert checked(olds(repository="ghcr.io/cartly-app/old"), news()) == (TAG_DIGEST, [])


def test_nothing_to_run_is_refused_naming_the_tag_and_the_fix() -> None:
    digest, failures = checked({}, news(resolved=""))
    assert digest == ""
    assert len(failures) == 1
    assert "tag 'main' of ghcr.io/cartly-app/cartly does not exist" in failures[0]
    assert "tools/release.py" in failures[0]


def test_a_requested_value_that_is_not_a_digest_is_refused() -> None:
    _, failures = checked(olds(), news(requested="main"))
    assert failures == ["requested: 'main' is not a sha256 digest (sha256:<64 hex>)"]


def test_an_unknown_tag_digest_passes_a_first_preview() -> None:
    digest, failures = checked({}, news(resolved=Unknown()))
    assert isinstance(digest, Unknown) and failures == []


def test_the_diff_is_on_the_digest_only() -> None:
    provider = ImagePinProvider()
    same = {**olds(), "resolved": "sha256:" + "9" * 64}
    assert provider.diff("id", olds(), same).changes is False
    assert provider.diff("id", olds(), {**olds(), "digest": NEW}).changes is True
    assert provider.diff("id", olds(), {**olds(), "digest": NEW}).replaces == []


def test_a_release_run_asks_the_registry_for_no_tag() -> None:
    lookups = [c for c in program_run("production").calls if c[0].startswith("docker:index/getRegistryImage")]
    assert len(lookups) == 1
    run = run_program("production", config={"releaseDigest": NEW})
    assert [c for c in run.calls if c[0].startswith("docker:index/getRegistryImage")] == []
    assert run.outputs["imageDigest"] == NEW


def test_a_release_run_declares_every_resource_an_infra_run_does_all_protected_on_production() -> None:
    """A resource missing from the release's run would be deleted by it (the registry provider was), which
    production's protection turns into a failed release, and created again by the next infra run."""
    infra = program_run("production")
    run = run_program("production", config={"releaseDigest": NEW})
    assert len(list(run)) == len(list(infra))
    assert sorted((r.type, r.name) for r in run) == sorted((r.type, r.name) for r in infra)
    assert [r.name for r in run if r.type == "pulumi:providers:docker"] == ["cartly-image-registry"]
    assert [r.name for r in run if not r.options["protect"]] == []


def test_a_preview_given_a_digest_runs_it_without_a_pin() -> None:
    run = run_program("pr-42", config={"releaseDigest": NEW})
    assert run.outputs["image"] == f"{REPO}@{NEW}"
    assert [r for r in run if r.type.endswith("cartly:ImagePin")] == []


def test_a_malformed_release_digest_in_config_is_refused_with_the_fix() -> None:
    from tests.unit.test_config import only_problem

    message = only_problem("staging", releaseDigest="main")
    assert "cartly-infra:releaseDigest: 'main' is not a digest" in message
    assert "pulumi config rm cartly-infra:releaseDigest --stack staging" in message
