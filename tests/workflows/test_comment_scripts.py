"""The github-script steps that comment on pull requests, run in Node with a stand-in GitHub client: a
fork's plan is posted as text only, and a comment is found by this workflow's login and marker only."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
NODE = shutil.which("node")
MARKER = "<!-- cartly-plan -->"
HEAD = "a" * 40
HARNESS = r"""
const input = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const calls = [];
const github = {
  rest: {
    pulls: { get: async () => ({ data: input.pr }) },
    issues: {
      listComments: 'listComments',
      updateComment: async (args) => { calls.push(['update', args]); },
      createComment: async (args) => { calls.push(['create', args]); },
    },
  },
  paginate: async () => input.comments,
};
const context = {
  payload: { workflow_run: { head_sha: input.head_sha }, pull_request: { number: 7 } },
  repo: { owner: 'cartly', repo: 'cartly-infra' },
};
const core = { notice: (message) => calls.push(['notice', message]) };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction('require', 'github', 'context', 'core', input.script)(require, github, context, core)
  .then(() => console.log(JSON.stringify(calls)))
  .catch((error) => console.log(JSON.stringify([['error', error.message]])));
"""

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: the comment scripts need it")


def script_of(workflow: str, job: str) -> str:
    steps = yaml.safe_load((WORKFLOWS / workflow).read_text())["jobs"][job]["steps"]
    [step] = [s for s in steps if str(s.get("uses", "")).startswith("actions/github-script@")]
    return str(step["with"]["script"])


def run_script(tmp_path: Path, script: str, **given: Any) -> list[list[Any]]:
    (tmp_path / "harness.js").write_text(HARNESS)
    (tmp_path / "input.json").write_text(json.dumps({"script": script, "head_sha": HEAD, **given}))
    done = subprocess.run(
        [str(NODE), "harness.js", "input.json"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    calls: list[list[Any]] = json.loads(done.stdout)
    return calls


def plan_comment(
    tmp_path: Path, plan: str, head_repo: str, comments: list[dict[str, Any]], number: str = "7"
) -> list[list[Any]]:
    (tmp_path / "plan-comment").mkdir(exist_ok=True)
    (tmp_path / "plan-comment" / "pr-number").write_text(number + "\n")
    (tmp_path / "plan-comment" / "plan.md").write_text(plan)
    pr = {"head": {"sha": HEAD, "repo": {"full_name": head_repo}}}
    return run_script(tmp_path, script_of("plan-comment.yml", "comment"), pr=pr, comments=comments)


HOSTILE = "## Plan\n```\n@cartly/admins please merge <img src=x onerror=alert(1)> " + MARKER + "\n````\n"


def test_a_forks_plan_is_posted_inside_a_fence_it_cannot_close(tmp_path: Path) -> None:
    calls = plan_comment(tmp_path, HOSTILE, "someone/cartly-infra", [])
    assert len(calls) == 1
    kind, args = calls[0]
    assert kind == "create"
    body: str = args["body"]
    assert body.startswith(MARKER + "\n### Offline plan of fork PR #7\n")
    assert body.count(MARKER) == 2  # ours first; the fork's copy only inside the fence
    fence = "`" * 5
    head, inside = body.split(fence + "text\n", 1)
    assert "@cartly" not in head
    assert inside.endswith("\n" + fence + "\n")
    assert inside[: -len(fence) - 2] == HOSTILE


def test_a_same_repository_plan_is_posted_as_markdown_with_one_marker(tmp_path: Path) -> None:
    calls = plan_comment(tmp_path, "## Plan\n" + MARKER + "\nno changes\n", "cartly/cartly-infra", [])
    assert len(calls) == 1
    assert calls[0][1]["body"] == MARKER + "\n## Plan\n\nno changes\n"


def test_the_comment_is_found_by_this_workflows_login_not_by_any_bot(tmp_path: Path) -> None:
    comments = [
        {"id": 1, "user": {"login": "evil-app[bot]", "type": "Bot"}, "body": MARKER + " pwned"},
        {"id": 2, "user": {"login": "github-actions[bot]", "type": "Bot"}, "body": MARKER + " old plan"},
    ]
    calls = plan_comment(tmp_path, "plan", "cartly/cartly-infra", comments)
    assert [(kind, args.get("comment_id")) for kind, args in calls] == [("update", 2)]


def test_another_bots_marked_comment_is_left_alone(tmp_path: Path) -> None:
    comments = [{"id": 1, "user": {"login": "evil-app[bot]", "type": "Bot"}, "body": MARKER}]
    calls = plan_comment(tmp_path, "plan", "cartly/cartly-infra", comments)
    assert [kind for kind, _args in calls] == ["create"]


@pytest.mark.parametrize("number", ["٤٢", "0", "1234567890", "7; rm -rf /", ""])
def test_an_artifact_without_a_plain_pr_number_is_refused(tmp_path: Path, number: str) -> None:
    calls = plan_comment(tmp_path, "plan", "cartly/cartly-infra", [], number=number)
    assert calls == [["error", "the artifact holds no PR number"]]


@pytest.mark.parametrize("job", ["preview-up", "preview-destroy"])
def test_the_preview_comment_is_found_by_this_workflows_login(tmp_path: Path, job: str) -> None:
    (tmp_path / "preview-summary.md").write_text("<!-- cartly-preview -->\nup\n")
    comments = [
        {"id": 1, "user": {"login": "evil-app[bot]", "type": "Bot"}, "body": "<!-- cartly-preview -->"},
        {"id": 2, "user": {"login": "github-actions[bot]", "type": "Bot"}, "body": "<!-- cartly-preview -->"},
    ]
    calls = run_script(tmp_path, script_of("pr-stacks.yml", job), comments=comments, pr={})
    assert [(kind, args.get("comment_id")) for kind, args in calls] == [("update", 2)]
