"""Command line for the preview stacks of this repository's pull requests (`infra-pr-<N>`: `up`, `destroy`,
`list`, `reap`) and of the app repository's (`pr-<N>`: `app-up`, `app-down`, `list --app`, `app-reap`).

Checks the environment before anything changes and turns every failure into one message and an exit code
(1 update failed, 2 bad usage or environment, 3 no usable CLI, 4 stack locked). Credentials only from the
environment, and the CLI runs with the previews' own alone (`tools/credentials.confined`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as `python tools/previews.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools import app_preview_inputs as app_inputs
from tools import app_previews as app_flow
from tools import preview_report as report
from tools.app_preview_inputs import AppPreview
from tools.credentials import confined
from tools.github_rest import GithubError
from tools.inline_program import cartly_program, has_language_host
from tools.preview_github import PullRequestPlaces
from tools.preview_stacks import PREFIX, PreviewStacks, stack_name

PROJECT_DIR = Path(__file__).resolve().parents[1]
EXIT_USAGE = 2
GITHUB_API = "https://api.github.com"
APP_TOKEN_ENV = "APP_REPOSITORY_TOKEN"  # noqa: S105 (an env var name) pull requests and deployments, app repo
DIY_SCHEMES = ("file://", "s3://", "gs://", "azblob://")
# ASCII digits only (str.isdigit() also takes "٤٢"), at most 9: GitHub's numbers, and a stack name's.
PR_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
DURATION = re.compile(r"([1-9][0-9]{0,4})([mhdw])")
UNIT = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
ACTION = {
    "up": "update",
    "destroy": "destroy",
    "list": "list the previews of",
    "reap": "reap",
    "app-up": "update",
    "app-down": "destroy",
    "app-reap": "reap",
}


class UsageError(Exception):
    """Bad input or environment, found before anything changed."""


def pr_number(text: str) -> int:
    if not PR_NUMBER.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"PR number must be a positive integer of at most 9 ASCII digits (like 42), got {text!r}"
        )
    return int(text)


def pr_list(text: str) -> list[int]:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    return [pr_number(p) for p in parts]


def duration(text: str) -> timedelta:
    match = DURATION.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"age must look like 30m, 12h, 7d or 2w, got {text!r}")
    return timedelta(**{UNIT[match.group(2)]: int(match.group(1))})


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="previews.py",
        description=f"Create, update, list and destroy the {PREFIX}<N> preview stacks of cartly-infra's own "
        "pull requests, and the app previews pr-<N> of the app repository's (app-up, app-down, app-reap).",
        epilog="Environment: PULUMI_BACKEND_URL (required), PULUMI_CONFIG_PASSPHRASE (file/object-storage "
        "backends), RAILWAY_API_TOKEN for the program; no other credential reaches Pulumi. Exit codes: "
        "1 update failed, 2 bad usage or environment, 3 no usable Pulumi CLI, 4 stack locked.",
    )
    top.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="Pulumi project (default: repo)")
    sub = top.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help=f"create or update stack {PREFIX}N and print its URL and a summary")
    up.add_argument("--pr", type=pr_number, required=True, help="pull request number")
    up.add_argument("--image-tag", help="image tag to deploy (default: staging)")
    up.add_argument("--url-output", default=None, help="stack output holding the URL (default: appUrl)")
    up.add_argument("--summary-file", type=Path, default=Path("preview-summary.md"), help="Markdown summary")
    destroy = sub.add_parser("destroy", help=f"destroy and remove stack {PREFIX}N (absent: success)")
    destroy.add_argument("--pr", type=pr_number, required=True, help="pull request number")
    destroy.add_argument("--summary-file", type=Path, default=None, help="also write a Markdown line here")
    listing = sub.add_parser("list", help="list preview stacks with their last update and state")
    listing.add_argument("--json", action="store_true", help="print only their PR numbers, as a JSON list")
    listing.add_argument("--app", action="store_true", help="the app's previews pr-N instead of infra-pr-N")
    reap = sub.add_parser("reap", help="destroy previews whose PR is closed or not updated for too long")
    reap.add_argument("--open-prs", type=pr_list, required=True, help="comma-separated open PRs ('' = none)")
    reap.add_argument(
        "--max-age", type=duration, default=timedelta(days=7), help="since the last update: 7d (default), 12h"
    )
    reap.add_argument("--pr", type=pr_number, default=None, help="look at this PR's preview only")
    # App previews (pr-N): the inputs stay text here; tools/app_preview_inputs.py validates them all at once.
    app_up = sub.add_parser(
        "app-up", help="bring app preview pr-N up on a dispatched digest (PR opened/pushed)"
    )
    app_down = sub.add_parser("app-down", help="destroy app preview pr-N (app PR closed)")
    for command in (app_up, app_down):
        command.add_argument("--pr", dest="app_pr", required=True, help="the app pull request's number")
        command.add_argument("--head-repository", required=True, help="owner/name the PR's head lives in")
    app_up.add_argument("--head-commit", required=True, help="the commit it previews (40 hex)")
    app_up.add_argument("--image", required=True, help="ghcr.io/<owner>/<app>@sha256:<64 hex>")
    app_reap = sub.add_parser("app-reap", help="destroy app preview pr-N if its PR is closed or it is idle")
    app_reap.add_argument("--pr", dest="app_pr", type=pr_number, required=True, help="the app PR's number")
    app_reap.add_argument("--max-age", type=duration, default=timedelta(days=7), help="7d (default), 12h")
    return top


def check_environment(command: str) -> None:
    backend = os.environ.get("PULUMI_BACKEND_URL", "")
    if not backend:
        raise UsageError(
            "PULUMI_BACKEND_URL is not set: export the state backend, e.g. "
            "PULUMI_BACKEND_URL=s3://cartly-pulumi-state or file://$HOME/.pulumi-state."
        )
    needs_passphrase = command != "list" and backend.startswith(DIY_SCHEMES)
    has_passphrase = os.environ.get("PULUMI_CONFIG_PASSPHRASE") or os.environ.get(
        "PULUMI_CONFIG_PASSPHRASE_FILE"
    )
    if needs_passphrase and not has_passphrase:
        raise UsageError(
            "PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) is not set: the stacks' secrets "
            "are encrypted with it. Export it from your password manager (CI: the `previews` environment's "
            "secret)."
        )


def say(line: str) -> None:
    # The CLI's progress goes to stderr, so stdout carries only this tool's result.
    print(report.redact(line), file=sys.stderr, flush=True)


def app_request(args: argparse.Namespace) -> AppPreview:
    """The app preview the arguments ask for, validated; UsageError before anything is created."""
    if args.command == "app-reap":  # no dispatch to check: the PR number was parsed, the repository is ours
        return AppPreview(args.app_pr, app_inputs.app_settings(args.project_dir)[0])
    raw = {"pr": args.app_pr, "head_repository": args.head_repository}
    if args.command == "app-up":
        raw.update(head_commit=args.head_commit, image=args.image)
    try:
        return app_inputs.validate(raw, args.project_dir, destroy=args.command == "app-down")
    except app_inputs.InputError as exc:
        raise UsageError(str(exc)) from None


def app_places(request: AppPreview) -> PullRequestPlaces:
    token = os.environ.get(APP_TOKEN_ENV, "")
    if not token:
        raise UsageError(
            f"{APP_TOKEN_ENV} is not set: export a token that may write pull-request comments and "
            f"deployments in {request.app_repository} (CI: the `previews` environment's secret)."
        )
    return PullRequestPlaces(request.app_repository, token, os.environ.get("GITHUB_API_URL", GITHUB_API))


def confirmed(request: AppPreview, places: PullRequestPlaces, *, up: bool) -> None:
    """GitHub must confirm what the dispatch says (same repository; to bring up: open, at that commit)."""
    try:
        problems = places.refusals(request.pr, request.commit if up else None)
    except GithubError as exc:
        raise UsageError(f"Unable to confirm pull request #{request.pr} with GitHub: {exc}") from None
    if problems:
        raise UsageError(str(app_inputs.InputError(problems)))


def run_app(
    args: argparse.Namespace, stacks: PreviewStacks, request: AppPreview, places: PullRequestPlaces
) -> int:
    if args.command == "app-up":
        print(app_flow.bring_up(request, stacks, places).url or "")
    elif args.command == "app-reap":
        reason = app_flow.reap(request, stacks, places, args.max_age)
        print(f"removed {request.stack}: {reason}" if reason else f"kept {request.stack}")
    else:
        app_flow.take_down(request, stacks, places)
    return 0


def run(args: argparse.Namespace, stacks: PreviewStacks) -> int:
    if args.command == "up":
        summary = report.up_summary(stacks.up(args.pr, args.image_tag, args.url_output))
        args.summary_file.write_text(summary)
        print(summary, end="")
        return 0
    if args.command == "destroy":
        existed = stacks.destroy(args.pr)
        text = report.destroy_summary(stack_name(args.pr), existed)
        if args.summary_file:
            args.summary_file.write_text(text)
        print(text.split("\n", 1)[1], end="")
        return 0
    if args.command == "list":
        previews = stacks.previews(app=args.app)
        if args.json:
            print(json.dumps([p.pr for p in previews]))
        else:
            print(report.list_table(previews, stacks.now()), end="")
        return 0
    reaped = stacks.reap(args.open_prs, args.max_age, args.pr)
    print(report.reap_lines(reaped), end="")
    return report.EXIT_FAILED if any(r.error for r in reaped) else 0


def default_stacks(project_dir: Path) -> PreviewStacks:
    """The project directory's preview stacks; a CLI built by scripts/pulumi-cli has no Python language
    host, so the program then runs inline."""
    program = None if has_language_host() else cartly_program
    return PreviewStacks(work_dir=project_dir, on_output=say, on_secret=report.remember, program=program)


def main(argv: Sequence[str] | None = None, stacks: PreviewStacks | None = None) -> int:
    args = parser().parse_args(argv)
    app = args.command in ("app-up", "app-down", "app-reap")
    try:  # inputs first: a refused dispatch changes nothing and needs no credential
        request = app_request(args) if app else None
        check_environment(args.command)
        places = app_places(request) if request is not None else None
        if request is not None and places is not None and args.command != "app-reap":
            confirmed(request, places, up=args.command == "app-up")
    except UsageError as exc:
        print(f"previews.py {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    stacks = stacks or default_stacks(args.project_dir)
    target = request.stack if request else stack_name(args.pr) if getattr(args, "pr", None) else f"{PREFIX}*"
    try:
        with confined_environ():  # the GitHub calls hold their token already; the Pulumi CLI never sees it
            if request is not None and places is not None:
                return run_app(args, stacks, request, places)
            return run(args, stacks)
    except Exception as exc:  # every failure ends as one message, never a traceback
        code, message = report.describe_failure(exc, ACTION[args.command], target)
        print(f"previews.py {args.command}: {message}", file=sys.stderr)
        summary_file = getattr(args, "summary_file", None)
        if summary_file is not None:  # the PR comment says it failed, instead of keeping the last success
            summary_file.write_text(report.failure_summary(target, message))
        return code


@contextmanager
def confined_environ() -> Iterator[None]:
    """Runs the block (every Pulumi CLI call: the Automation API hands the CLI this process's environment)
    with the previews' credentials alone; the rest are still known to `report.redact`."""
    saved = dict(os.environ)
    report.remember(*(saved[name] for name in saved if name not in confined(saved)))
    os.environ.clear()
    os.environ.update(confined(saved))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


if __name__ == "__main__":
    sys.exit(main())
