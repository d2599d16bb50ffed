"""tools/plan_diff.py and tools/plan_markdown.py on hand-made plans: what counts as added, removed,
replaced and updated, and how each is written."""

from __future__ import annotations

from typing import Any

from tools.plan_diff import diff_plans
from tools.plan_markdown import plain_value, render, value_text

SERVICE = "pulumi-python:dynamic/railway:Service"
VARIABLES = "pulumi-python:dynamic/railway:Variables"
SECRET = "github:index/actionsSecret:ActionsSecret"


def resource(typ: str, name: str, **inputs: Any) -> dict[str, Any]:
    return {"key": f"{typ}::{name}", "type": typ, "name": name, "inputs": inputs}


def stack_plan(*resources: dict[str, Any], **outputs: Any) -> dict[str, Any]:
    return {"stack": "staging", "resources": list(resources), "outputs": outputs}


def test_a_resource_only_in_the_new_plan_is_added_and_one_only_in_the_old_is_removed() -> None:
    old = stack_plan(resource(SERVICE, "web", project_id="p"))
    new = stack_plan(resource(SERVICE, "api", project_id="p"))
    diff = diff_plans("staging", old, new)
    assert diff.added == [(SERVICE, "api")]
    assert diff.removed == [(SERVICE, "web")]
    assert diff.modified == []


def test_a_changed_immutable_input_replaces_and_a_mutable_one_updates() -> None:
    old = stack_plan(resource(SERVICE, "web", project_id="p1", icon="a"), resource(SERVICE, "w", icon="a"))
    new = stack_plan(resource(SERVICE, "web", project_id="p2", icon="b"), resource(SERVICE, "w", icon="b"))
    diff = diff_plans("staging", old, new)
    assert [(m.name, m.replaced_by) for m in diff.modified] == [("w", ()), ("web", ("project_id",))]
    assert [m.name for m in diff.replaced] == ["web"]
    assert [m.name for m in diff.updated] == ["w"]


def test_a_changed_key_of_a_map_input_is_shown_by_its_path() -> None:
    old = stack_plan(resource(VARIABLES, "vars", variables={"NODE_ENV": "production", "PORT": "3000"}))
    new = stack_plan(resource(VARIABLES, "vars", variables={"NODE_ENV": "staging", "PORT": "3000"}))
    markdown = render([diff_plans("staging", old, new)], "abc123")
    assert "  - `variables.NODE_ENV`: `production` → `staging`\n" in markdown
    assert "PORT" not in markdown


def test_a_masked_secret_shows_no_change_and_never_a_value() -> None:
    old = stack_plan(resource(SECRET, "slack", secretName="SLACK_BOT_TOKEN", value="[secret]"))
    new = stack_plan(resource(SECRET, "slack", secretName="SLACK_BOT_TOKEN", value="[secret]"))
    diff = diff_plans("staging", old, new)
    assert diff.empty
    assert "No change to the desired state." in render([diff], "abc123")


def test_a_long_value_is_cut_to_keep_the_comment_readable() -> None:
    old = stack_plan(resource(SERVICE, "web", icon="a" * 200))
    new = stack_plan(resource(SERVICE, "web", icon="b" * 200))
    line = next(x for x in render([diff_plans("staging", old, new)], "r").splitlines() if "`icon`" in x)
    assert len(line) < 160
    assert "…`" in line


def test_a_base_revision_without_a_plan_makes_everything_added_with_a_note() -> None:
    base = {"stack": "staging", "error": "FileNotFoundError: __main__.py"}
    diff = diff_plans("staging", base, stack_plan(resource(SERVICE, "web", project_id="p")))
    assert diff.error is None
    assert diff.added == [(SERVICE, "web")]
    assert "_Note: the program fails on the base revision (FileNotFoundError: __main__.py)" in render(
        [diff], "r"
    )


def test_a_program_failure_on_this_change_is_an_error_not_a_diff() -> None:
    diff = diff_plans(
        "staging", stack_plan(resource(SERVICE, "web")), {"stack": "staging", "error": "ConfigError: x"}
    )
    assert diff.error == "the program fails on this change: ConfigError: x"
    assert diff.added == diff.removed == diff.modified == []


def test_config_changes_are_listed_with_secure_values_masked() -> None:
    old = {
        **stack_plan(),
        "config": {"k:jwt": "[secret aaa]", "k:redis": "[secret bbb]", "k:env": "production"},
    }
    new = {
        **stack_plan(),
        "config": {"k:jwt": "[secret ccc]", "k:sentry": "[secret ddd]", "k:env": "staging"},
    }
    diff = diff_plans("staging", old, new)
    assert not diff.empty
    assert [(c.key, c.before, c.after) for c in diff.config] == [
        ("k:env", "production", "staging"),
        ("k:jwt", "[secret]", "[secret, re-encrypted]"),
        ("k:redis", "[secret]", None),
        ("k:sentry", None, "[secret]"),
    ]
    markdown = render([diff], "r")
    assert "| `staging` | 0 | 0 | 0 | 0 | 0 | 4 |" in markdown
    assert "  - `k:redis`: `[secret]` → `(empty)`\n" in markdown
    assert "aaa" not in markdown and "ccc" not in markdown and "ddd" not in markdown


def test_the_config_of_a_base_without_a_plan_is_not_listed_as_all_new() -> None:
    base = {"stack": "staging", "error": "FileNotFoundError: __main__.py"}
    head = {**stack_plan(resource(SERVICE, "web")), "config": {"k:env": "production"}}
    assert diff_plans("staging", base, head).config == []


PROJECT = "pulumi-python:dynamic/railway:Project"
INSTANCE = "pulumi-python:dynamic/railway:ServiceInstance"
DEPLOYMENT = "pulumi-python:dynamic/railway:Deployment"
UUID = "0f0e0d0c-0b0a-4908-8706-050403020100"


def test_adopting_a_project_shows_as_adoption_not_replacements() -> None:
    placeholder = "(cartly-project.project_id)"
    old = stack_plan(
        resource(PROJECT, "cartly-project", project_id=None, default_environment_name="staging"),
        resource(SERVICE, "web", project_id=placeholder, adopt=False),
    )
    new = stack_plan(
        resource(PROJECT, "cartly-project", project_id=UUID, default_environment_name=None),
        resource(SERVICE, "web", project_id=UUID, adopt=True),
    )
    diff = diff_plans("staging", old, new)
    assert diff.adopted == [("cartly-project", UUID)]
    assert diff.modified == []
    assert f"- **adopt** `cartly-project`: takes over the existing Railway project `{UUID}`" in render(
        [diff], "r"
    )


def test_a_settings_change_says_which_service_redeploys_and_why() -> None:
    old = stack_plan(
        resource(INSTANCE, "web-settings", service_id="(web.id)", num_replicas=1),
        resource(DEPLOYMENT, "web-deployment", service_id="(web.id)", revision="a"),
        resource(DEPLOYMENT, "worker-deployment", service_id="(worker.id)", revision="c"),
    )
    new = stack_plan(
        resource(INSTANCE, "web-settings", service_id="(web.id)", num_replicas=2),
        resource(DEPLOYMENT, "web-deployment", service_id="(web.id)", revision="b"),
        resource(DEPLOYMENT, "worker-deployment", service_id="(worker.id)", revision="c"),
    )
    diff = diff_plans("staging", old, new)
    assert [m.name for m in diff.modified] == ["web-settings"]  # the revision is the redeploy, not an update
    assert len(diff.redeploys) == 1
    assert "- **redeploy** `web-deployment` (railway:Deployment), because:\n" in render([diff], "r")
    assert diff.redeploys[0].because == ("`web-settings` changes `num_replicas`",)


def test_a_rotated_secret_updates_the_resources_that_hold_it_and_redeploys_them() -> None:
    def holding(secret_hash: str) -> dict[str, Any]:
        variables = resource(VARIABLES, "web-variables", service_id="(web.id)", variables="[secret]")
        github = resource(SECRET, "github-db", secretName="PRODUCTION_DATABASE_URL", value="[secret]")
        deployment = resource(DEPLOYMENT, "web-deployment", service_id="(web.id)", revision="a")
        for r in (variables, github):
            r["secrets"] = {"cartly-infra:databaseUrl": secret_hash}
        return stack_plan(variables, github, deployment)

    diff = diff_plans("production", holding("aaa"), holding("bbb"))
    assert [m.name for m in diff.modified] == ["github-db", "web-variables"]
    change = diff.modified[0].changes[0]
    assert (change.key, change.before, change.after) == (
        "secret cartly-infra:databaseUrl",
        "[secret]",
        "[secret, re-encrypted]",
    )
    assert [r.name for r in diff.redeploys] == ["web-deployment"]
    assert "aaa" not in render([diff], "r") and "bbb" not in render([diff], "r")


def test_an_absent_and_an_empty_value_render_alike() -> None:
    assert value_text(None) == value_text("") == "`(empty)`"
    assert plain_value(None) == plain_value("") == "(empty)"


def test_a_change_behind_a_mask_shows_without_its_value() -> None:
    def variables(digest: str) -> dict[str, Any]:
        return {**resource(VARIABLES, "web-variables", variables="[secret]"), "masked": {"variables": digest}}

    diff = diff_plans("staging", stack_plan(variables("aaa")), stack_plan(variables("bbb")))
    assert len(diff.modified) == 1
    change = diff.modified[0].changes[0]
    assert (change.key, change.before, change.after) == (
        "variables",
        "[secret]",
        "[secret, contents changed]",
    )
