"""Command line of a release: `validate` the inputs, or `run` the release (see --help).

Inputs come from RELEASE_* variables or the matching options, never spliced into a shell; credentials only
from the environment. Exit codes: 0 released, 1 the deploy failed (rolled back or not), 2 refused inputs or
environment, 3 the release stopped outside the deploy.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as `python tools/release.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.github_deployments import Deployments
from tools.inline_program import cartly_program, has_language_host
from tools.preview_report import redact
from tools.release_flow import Links, run_release, summary
from tools.release_inputs import FIELDS, InputError, Release, validate
from tools.release_stacks import AutomationStacks, Stacks
from tools.slack_notice import Slack, SlackError
from tools.stack_files import read_stack_config

PROJECT_DIR = Path(__file__).resolve().parents[1]
EXIT_USAGE = 2
EXIT_ERROR = 3
ENV = {field: f"RELEASE_{field.upper()}" for field in FIELDS}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="release.py", description="Release an app image digest to a stack.")
    top.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="Pulumi project (default: repo)")
    sub = top.add_subparsers(dest="command", required=True)
    for name, text in (("validate", "check the inputs, print the stack"), ("run", "release and report")):
        command = sub.add_parser(name, help=text)
        for field in FIELDS:
            command.add_argument(
                f"--{field.replace('_', '-')}", dest=field, help=f"default: env {ENV[field]}"
            )
    sub.choices["validate"].add_argument("--github-output", type=Path, help="default: env GITHUB_OUTPUT")
    run = sub.choices["run"]
    run.add_argument("--summary-file", type=Path, help="default: env GITHUB_STEP_SUMMARY")
    run.add_argument("--github-api-url", default=os.environ.get("GITHUB_API_URL", "https://api.github.com"))
    run.add_argument("--slack-api-url", default="https://slack.com/api", help="Slack's Web API base URL")
    return top


def inputs(args: argparse.Namespace, env: Mapping[str, str]) -> dict[str, str]:
    return {field: getattr(args, field) or env.get(ENV[field], "") for field in FIELDS}


def stack_setting(project_dir: Path, stack: str, key: str) -> str:
    name, config = read_stack_config(project_dir, stack)
    return str(config.get(key if ":" in key else f"{name}:{key}", ""))


def app_repository(project_dir: Path, stack: str) -> str:
    """owner/name of the app repository: `github:owner` and `cartly-infra:githubRepository`."""
    owner = stack_setting(project_dir, stack, "github:owner")
    return f"{owner}/{stack_setting(project_dir, stack, 'githubRepository')}"


def run_url(env: Mapping[str, str]) -> str:
    server = env.get("GITHUB_SERVER_URL", "https://github.com")
    return f"{server}/{env.get('GITHUB_REPOSITORY', 'local')}/actions/runs/{env.get('GITHUB_RUN_ID', '0')}"


def do_run(args: argparse.Namespace, release: Release, stacks: Stacks, env: Mapping[str, str]) -> int:
    project = args.project_dir
    token = env.get("GITHUB_TOKEN", "")
    deployments = (
        Deployments(app_repository(project, release.stack), token, args.github_api_url) if token else None
    )
    # The environment's secret (the program writes it there), else the stack's own config.
    slack_token = env.get("SLACK_BOT_TOKEN") or stacks.secret(release.stack, "cartly-infra:slackBotToken")
    channel = stack_setting(project, release.stack, "slackChannel")

    def notify(text: str) -> None:
        if not slack_token:
            raise SlackError(f"No Slack message: stack {release.stack} sets no cartly-infra:slackBotToken")
        Slack(slack_token, args.slack_api_url).post(channel, text)

    domain = stack_setting(project, release.stack, "domain")
    links = Links(logs=run_url(env), app_url=f"https://{domain}" if domain else None)
    verdict = run_release(release, stacks, deployments, notify, links)
    text = redact(summary(release, verdict, links))
    summary_file = args.summary_file or (
        Path(env["GITHUB_STEP_SUMMARY"]) if env.get("GITHUB_STEP_SUMMARY") else None
    )
    if summary_file is not None:
        with summary_file.open("a") as out:
            out.write(text)
    print(text, end="")
    return verdict.exit_code


def main(
    argv: Sequence[str] | None = None, stacks: Stacks | None = None, env: Mapping[str, str] | None = None
) -> int:
    args = parser().parse_args(argv)
    env = os.environ if env is None else env
    try:
        release = validate(inputs(args, env), args.project_dir)
    except InputError as exc:
        print(f"release.py {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "validate":
        output = args.github_output or (Path(env["GITHUB_OUTPUT"]) if env.get("GITHUB_OUTPUT") else None)
        if output is not None:
            with output.open("a") as out:
                out.write(f"stack={release.stack}\n")
        print(f"Release of {release.image} ({release.commit}) to {release.stack}: inputs valid")
        return 0
    if not env.get("PULUMI_BACKEND_URL") and stacks is None:
        print("release.py run: PULUMI_BACKEND_URL is not set: export the state backend", file=sys.stderr)
        return EXIT_USAGE
    # A CLI built by scripts/pulumi-cli has no Python language host: run the program inline then.
    stacks = stacks or AutomationStacks(
        args.project_dir,
        on_output=lambda line: print(redact(line), file=sys.stderr),
        program=None if has_language_host() else cartly_program,
    )
    try:
        return do_run(args, release, stacks, env)
    except Exception as exc:  # no CLI, an unreadable stack: one message and exit 3, never a traceback
        print(redact(f"release.py run: the release stopped: {type(exc).__name__}: {exc}"), file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
