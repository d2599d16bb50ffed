"""tools/plan_masks.py: what stands in for secrets and for values only a provider knows."""

from __future__ import annotations

from tools.plan_masks import (
    FAKES,
    MASK,
    SECRET_SIG,
    SECRET_VALUE,
    deep_mask,
    invent,
    masked,
    masked_digests,
    stand_in,
)


def test_a_secret_input_is_masked_and_names_the_secrets_it_holds_by_hash_only() -> None:
    token = stand_in("cartly-infra:jwtSecret", "v1:ciphertext")
    used: dict[str, str] = {}
    value = {SECRET_SIG: SECRET_VALUE, "value": {"JWT_SECRET": token, "PORT": "3000"}}
    assert masked({"variables": value}, used) == {"variables": MASK}
    assert len(used) == 1
    assert list(used) == ["cartly-infra:jwtSecret"]
    assert "ciphertext" not in str(used)


def test_an_invented_value_is_shown_as_its_label_wherever_it_lands() -> None:
    digest = invent("digest", "seed-1", "digest of ghcr.io/a/b:main, resolved at deploy")
    user = invent("id", "seed-2", "id of GitHub user someone, looked up at deploy")
    assert digest in FAKES and user in FAKES
    assert masked(f"ghcr.io/a/b@{digest}") == "ghcr.io/a/b@(digest of ghcr.io/a/b:main, resolved at deploy)"
    assert masked(int(user)) == "(id of GitHub user someone, looked up at deploy)"


def test_a_reference_keeps_stand_ins_and_masks_everything_else() -> None:
    token = stand_in("cartly-infra:redisUrl", "v1:x")
    assert deep_mask({"redisUrl": token, "other": "plain"}) == {"redisUrl": token, "other": MASK}


def test_a_masked_input_gets_a_hash_that_follows_its_contents() -> None:
    def variables(app_url: str) -> dict[str, object]:
        return {"variables": {SECRET_SIG: SECRET_VALUE, "value": {"APP_URL": app_url}}, "port": 3000}

    one, same, other = (
        masked_digests(variables(u)) for u in ("https://a.io", "https://a.io", "https://b.io")
    )
    assert list(one) == ["variables"]
    assert one == same and one != other
    assert "a.io" not in str(one)
