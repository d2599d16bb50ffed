"""What a stack deploys, offline: `plan.py --stack S` prints it; `plan.py --diff BASE` compares revisions.

Each stack runs in a fresh `tools/plan_runner.py` process with no credentials in its environment; the base
revision is read with `git archive` (the repository is left untouched); comparing and wording live in
plan_diff.py and plan_markdown.py. Exit codes: 0 done, 1 the program fails for a stack, 2 bad usage.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python tools/plan.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from components.settings.keys import required_secrets
from components.settings.rules import ConfigError
from tools.credentials import CREDENTIAL_ENV
from tools.plan_diff import DEPLOYMENT, SECURE, StackDiff, diff_plans
from tools.plan_markdown import plain_value, render, short_type
from tools.plan_masks import stand_in
from tools.stack_files import Secure, program_config, read_stack_config

PROJECT_DIR = Path(__file__).resolve().parents[1]
RUNNER = Path(__file__).resolve().with_name("plan_runner.py")
LONG_LIVED = ("production", "staging")
DEFAULT_STACKS = "production,staging,pr-1"
# Never handed to the program's process: the plan must not be able to reach anything real. The passphrase
# file is withheld too (the preview driver need not redact its path: a path is no secret).
WITHHELD_ENV = (*CREDENTIAL_ENV, "PULUMI_CONFIG_PASSPHRASE_FILE")
RUN_TIMEOUT = 300
BUILT_IMAGE = "docker:index/image:Image"
PLACEHOLDER = re.compile(r"\([\w-]+\.\w+\)")  # an output known after apply, as the runner writes it
CONFIG_ERROR = ("Invalid configuration for stack", "Invalid project file")  # a ConfigError says what it is
# What every stack runs: the provider and wiring, the entry point, the project file and the dependencies. A
# change here alters what `pulumi up` does (a provider's create, a pinned version) even when the mocked
# desired state is the same, so it affects every long-lived stack.
PROGRAM_PATHS = ("components/*", "pulumi_railway/*", "__main__.py", "Pulumi.yaml", "requirements*.txt")
# A revision as a pull request gives it: a commit id or a branch/tag name, never an option (`--output=…`)
# nor revision syntax beyond `~N`/`^N` (`@{…}` reads the reflog, `:path` a file). It is also passed after
# `--end-of-options`, and only the commit it resolves to is handed on.
REVISION = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}([~^][0-9]{0,3})*")


class PlanError(Exception):
    """Bad input (an unknown revision, no git): nothing was planned."""


def run_stack(tree: Path, stack: str, reference: dict[str, Any] | None = None) -> dict[str, Any]:
    """One stack's plan from a fresh process; a failure comes back as {"stack", "error"}."""
    env = {k: v for k, v in os.environ.items() if k not in WITHHELD_ENV}
    try:
        project, config = read_stack_config(tree, stack, [k.qualified for k in required_secrets(stack)])
    except ConfigError as exc:  # no program at that revision, or a malformed file: named with its line
        return {"stack": stack, "error": str(exc)}
    text, secret_keys = program_config(config, lambda key, value: stand_in(key, value.ciphertext))
    with tempfile.TemporaryDirectory(prefix="cartly-plan-") as scratch:
        config_file = Path(scratch) / "config.json"
        config_file.write_text(json.dumps({"project": project, "config": text, "secretKeys": secret_keys}))
        command = [sys.executable, str(RUNNER), "--project-dir", str(tree), "--stack", stack]
        command += ["--config-file", str(config_file)]
        if reference is not None:
            ref_file = Path(scratch) / "reference.json"
            ref_file.write_text(json.dumps(reference))
            command += ["--reference-file", str(ref_file)]
        done = subprocess.run(  # noqa: S603 (our own runner, arguments are paths and a stack name)
            command, cwd=tree, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
        )
    try:
        result: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        tail = " | ".join(done.stderr.strip().splitlines()[-5:])
        return {"stack": stack, "error": f"the plan runner failed (exit {done.returncode}): {tail}"}
    if not result.get("error"):
        result["config"] = shown_config(config)
    return result


def shown_config(config: dict[str, Any]) -> dict[str, Any]:
    """The config a stack runs with, as the diff shows it: a `secure:` value as `[secret <hash of its
    ciphertext>]` (the ciphertext is public in the repository anyway), so a rotation shows, never a value.

    Planned inputs show most of it, but not a value that reaches Railway only inside a masked map (nodeEnv
    becomes NODE_ENV in the secret variables) nor a rotated secret: the config diff shows those.
    """
    return {
        key: f"{SECURE}{hashlib.sha256(value.ciphertext.encode()).hexdigest()[:12]}]"
        if isinstance(value, Secure)
        else value
        for key, value in sorted(config.items())
    }


def plan_tree(tree: Path, stacks: Sequence[str], pool: ThreadPoolExecutor) -> dict[str, dict[str, Any]]:
    """Plans for `stacks` of one checkout; previews read the staging plan's outputs (planned if not asked)."""
    previews = [s for s in stacks if s not in LONG_LIVED]
    first = [s for s in LONG_LIVED if s in stacks or (s == "staging" and previews)]
    plans = dict(zip(first, pool.map(lambda s: run_stack(tree, s), first), strict=True))
    staging = plans.get("staging", {})
    if previews and staging.get("error"):
        needs = "needs the staging plan, which failed"
        plans.update({p: {"stack": p, "error": _file_error(tree, p) or needs} for p in previews})
    elif previews:
        ref = of_staging(staging["reference"])
        plans.update(zip(previews, pool.map(lambda s: run_stack(tree, s, ref), previews), strict=True))
    return {s: plans[s] for s in stacks}


def _file_error(tree: Path, stack: str) -> str | None:
    """The stack's own file problem, if any: reported before the staging plan it also needs."""
    try:
        read_stack_config(tree, stack)
    except ConfigError as exc:
        return str(exc)
    return None


def of_staging(value: Any) -> Any:
    """Staging's outputs as a preview reads them: each value known only after staging's apply says it is
    staging's (`(cartly-environment.environment_id)` -> `(staging's cartly-environment.environment_id)`), so a
    preview's plan cannot read as if it forked from itself."""
    if isinstance(value, dict):
        return {k: of_staging(v) for k, v in value.items()}
    if isinstance(value, list):
        return [of_staging(v) for v in value]
    if isinstance(value, str) and PLACEHOLDER.fullmatch(value):
        return f"(staging's {value[1:]}"
    return value


def resolve(revision: str, repo: Path) -> str:
    """The full commit id `revision` names in `repo`; a revision that is not a plain ref or id is refused
    before git sees it."""
    if not REVISION.fullmatch(revision) or ".." in revision or revision.endswith((".", "/", ".lock")):
        raise PlanError(
            f"Not a git revision: {revision!r}. Give a commit id or a branch or tag name "
            "(like origin/main or 3f2a9c1), not an option or a range"
        )
    done = _git_at(
        repo, revision, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
    )
    return done.decode().strip()


def checkout(revision: str, repo: Path, into: Path) -> str:
    """Extracts `revision` of `repo` into `into` (git archive); returns its short commit id."""
    sha = resolve(revision, repo)
    archive = _git_at(repo, revision, "archive", "--format=tar", sha)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return sha[:12]


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True).stdout  # noqa: S603, S607


def _git_at(repo: Path, revision: str, *args: str) -> bytes:
    """`git <args>` about `revision`: a missing git or an unknown revision becomes a PlanError saying so."""
    try:
        return _git(repo, *args)
    except FileNotFoundError as exc:
        raise PlanError("git is not installed: --diff needs it to read the base revision") from exc
    except subprocess.CalledProcessError as exc:
        raise PlanError(
            f"Unknown git revision '{revision}' in {repo}: give a commit, branch or tag "
            "(in CI, fetch it first: actions/checkout with fetch-depth: 0)"
        ) from exc


def diff(project_dir: Path, base: str, stacks: Sequence[str]) -> tuple[list[StackDiff], str]:
    with tempfile.TemporaryDirectory(prefix="cartly-plan-base-") as tmp, ThreadPoolExecutor(5) as pool:
        label = checkout(base, project_dir, Path(tmp))
        before_future = pool.submit(plan_tree, Path(tmp), stacks, pool)
        after = plan_tree(project_dir, stacks, pool)
        before = before_future.result()
    return [diff_plans(s, before[s], after[s]) for s in stacks], label


def program_changes(project_dir: Path, base: str) -> list[str]:
    """The files under PROGRAM_PATHS that differ between `base` and the working tree (untracked included)."""
    sha = resolve(base, project_dir)
    changed = _git(project_dir, "diff", "--name-only", "--relative", sha, "--").decode().splitlines()
    changed += _git(project_dir, "ls-files", "--others", "--exclude-standard").decode().splitlines()
    return sorted({f for f in changed if any(fnmatch.fnmatchcase(f, p) for p in PROGRAM_PATHS)})


def affected(project_dir: Path, base: str, diffs: Sequence[StackDiff]) -> list[str]:
    """The long-lived stacks a `pulumi preview` should check: changed plans, or all on a program change."""
    everything = bool(program_changes(project_dir, base))
    return [d.stack for d in diffs if d.stack in LONG_LIVED and (everything or not d.empty)]


def plan_text(plan: dict[str, Any]) -> str:
    resources = plan["resources"]
    lines = [f"Stack {plan['stack']}: {len(resources)} resources (offline: no credentials, secrets masked)"]
    for r in resources:
        if r["type"] == BUILT_IMAGE:
            context = (r["inputs"].get("build") or {}).get("context")
            lines.append(
                f"The image is built from {context} and pushed as {r['inputs'].get('imageName')} at deploy."
            )
    for r in resources:
        lines += ["", f"{short_type(r['type'])} {r['name']}"]
        lines += [f"  {k}: {plain_value(v)}{_note(r['type'], k)}" for k, v in r["inputs"].items()]
    lines += ["", "Outputs:"]
    lines += [f"  {k}: {plain_value(v)}" for k, v in plan["outputs"].items()]
    return "\n".join(lines) + "\n"


def _note(typ: str, key: str) -> str:
    if typ == DEPLOYMENT and key == "revision":
        return "  (offline stand-in: the real one hashes the digest resolved at deploy)"
    return ""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="plan.py",
        description="Show what a stack deploys, or what a change does to each stack, without any account: "
        "the program runs under Pulumi mocks with the repository's stack files.",
    )
    p.add_argument(
        "--project-dir", type=Path, default=PROJECT_DIR, help="Pulumi project (default: this repo)"
    )
    p.add_argument("stack_arg", nargs="?", metavar="STACK", help="same as --stack (plan.py production)")
    p.add_argument("--stack", default=None, help="stack to show: production, staging (default) or pr-<N>")
    p.add_argument("--json", action="store_true", help="print the plan as JSON (stable order)")
    p.add_argument(
        "--diff", metavar="BASE", help="compare git revision BASE with the working tree (Markdown)"
    )
    p.add_argument("--stacks", default=DEFAULT_STACKS, help=f"stacks for --diff (default {DEFAULT_STACKS})")
    p.add_argument("--output", type=Path, help="also write the --diff Markdown to this file")
    p.add_argument("--affected", action="store_true", help="with --diff: print the changed long-lived stacks")
    return p


def show(project_dir: Path, stack: str, as_json: bool) -> int:
    with ThreadPoolExecutor(2) as pool:
        plan = plan_tree(project_dir, [stack], pool)[stack]
    if plan.get("error"):
        error = str(plan["error"])
        about = "" if error.startswith(CONFIG_ERROR) else f"Unable to plan stack '{stack}': "
        print(f"plan.py: {about}{error}", file=sys.stderr)
        return 1
    print(
        json.dumps(plan, indent=2, sort_keys=True) if as_json else plan_text(plan),
        end="\n" if as_json else "",
    )
    return 0


def compare(args: argparse.Namespace) -> int:
    stacks = [s.strip() for s in args.stacks.split(",") if s.strip()]
    diffs, label = diff(args.project_dir.resolve(), args.diff, stacks)
    markdown = render(diffs, label)
    if args.output:
        args.output.write_text(markdown)
    if args.affected:
        print(json.dumps(affected(args.project_dir.resolve(), args.diff, diffs)))
    else:
        print(markdown, end="")
    failed = [d.stack for d in diffs if d.error]
    if failed:
        print(f"plan.py: the program fails for {', '.join(failed)} on this change", file=sys.stderr)
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        stack = args.stack or args.stack_arg or "staging"
        return compare(args) if args.diff is not None else show(args.project_dir.resolve(), stack, args.json)
    except PlanError as exc:
        print(f"plan.py: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
