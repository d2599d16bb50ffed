"""Production with the real engine: what the GitHub stand-in is told (every secret marked secret), the export,
and `destroy` refused while protected. One emulator and one backend for the module; the tests run in order.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi import automation as auto

from testkit.standins.provider import SECRET
from tests.engine.conftest import Tier, standin_records, unmarked_secrets

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]  # a module's first test brings its stack up

STACK = "production"
GITHUB_SECRETS = (
    "github:index/actionsSecret:ActionsSecret",
    "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret",
)


@pytest.fixture(scope="module")
def production(tier: Tier) -> auto.UpResult:
    done = tier.init_stack(STACK)
    assert done.returncode == 0, done.stderr
    return tier.engine.stack(STACK).up()


def creates(tier: Tier, kind: str) -> list[dict[str, Any]]:
    return [
        r
        for r in standin_records(tier.engine)
        if r["method"] == "Create" and r["type"] == kind and not r["preview"]
    ]


def test_up_of_production_from_nothing_succeeds_with_eleven_secrets(
    tier: Tier, production: auto.UpResult
) -> None:
    assert len(tier.given[STACK]) == 11  # 8 long-lived, the release token, 2 production-only
    assert production.summary.result == "succeeded"
    # The 24 of staging's shape plus the branch protection, one repository secret and this repository's
    # three environments (two with a branch policy and a Slack secret).
    assert production.summary.resource_changes == {"create": 34}


def test_github_is_told_each_secret_by_name_with_its_value_marked_secret(
    tier: Tier, production: auto.UpResult
) -> None:
    told = [r for kind in GITHUB_SECRETS for r in creates(tier, kind)]
    assert len(told) == 4  # the app repository gets no Railway token and no database URL (releases)
    names = sorted(r["properties"]["secretName"] for r in told)
    slack = ["SLACK_BOT_TOKEN"] * 2  # this repository's production and staging environments
    assert names == ["CARTLY_INFRA_RELEASE_TOKEN", *slack, "TEST_DATABASE_URL"]
    assert all(set(r["properties"]["value"]) == {SECRET} for r in told)
    values = {r["properties"]["secretName"]: r["properties"]["value"][SECRET] for r in told}
    given = tier.given[STACK]
    assert values["SLACK_BOT_TOKEN"] == given["cartly-infra:slackBotToken"]
    assert values["CARTLY_INFRA_RELEASE_TOKEN"] == given["cartly-infra:releaseDispatchToken"]


def test_no_request_to_the_stand_ins_carries_a_secret_unmarked_except_the_engines_own_checkconfig(
    tier: Tier, production: auto.UpResult
) -> None:
    """The engine strips secret markers from a provider's own config in CheckConfig, which comes before
    Configure has negotiated acceptSecrets (pkg/resource/plugin: FilterProperties without KeepSecrets): the
    docker provider's registry password arrives unmarked there, whatever the program does. Configure gets it
    marked and the state stores it encrypted (the export test)."""
    records = standin_records(tier.engine)
    assert len(records) > 20
    check_config = [r for r in records if r["method"] == "CheckConfig"]
    others = [r for r in records if r["method"] != "CheckConfig"]
    assert [r["name"] for r in check_config if unmarked_secrets(r, tier.sentinels())] == [
        "cartly-image-registry"
    ]
    assert [hit for record in others for hit in unmarked_secrets(record, tier.sentinels())] == []


def test_the_reviewers_are_resolved_through_the_data_sources_to_ids(
    tier: Tier, production: auto.UpResult
) -> None:
    invokes = sorted(r["token"] for r in standin_records(tier.engine) if r["method"] == "Invoke")
    assert invokes.count("github:index/getUser:getUser") >= 1
    assert invokes.count("github:index/getTeam:getTeam") >= 1
    environments = creates(tier, "github:index/repositoryEnvironment:RepositoryEnvironment")
    assert len(environments) == 4  # the app's production, and this repository's three
    reviewed = [e["properties"]["reviewers"] for e in environments if e["properties"].get("reviewers")]
    assert len(reviewed) == 2  # both production environments
    for reviewers in reviewed:
        assert len(reviewers) == 1
        assert len(reviewers[0]["users"]) == 1 and len(reviewers[0]["teams"]) == 1


def test_the_production_export_holds_no_secret_in_plain_text(tier: Tier, production: auto.UpResult) -> None:
    export = tier.engine.export(STACK)
    assert '"secretsProviders"' in export or '"secrets_providers"' in export
    assert [s for s in tier.sentinels() if s in export] == []


def test_destroy_of_production_is_refused_while_protected_and_sends_railway_nothing(
    tier: Tier, production: auto.UpResult
) -> None:
    start = tier.mark()
    with pytest.raises(auto.CommandError) as refused:
        tier.engine.stack(STACK).destroy()
    assert "protect" in str(refused.value)
    assert tier.mutations_since(start) == []
    assert [r["name"] for r in standin_records(tier.engine) if r["method"] == "Delete"] == []
