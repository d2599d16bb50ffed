"""Who made a Railway object, so a create replayed after a crash adopts its own object and refuses another's.

Owns the owner marker: "<pulumi project>/<stack>/<resource name>", computed when the program declares a
resource (`owner_of`), and its place in a project's description, the one field of the objects we create
that Railway keeps for free text (a last line `pulumi-owner: <owner>`, which reads strip again).
What lives inside a project this stack made is this stack's; environments, services and domains have no
such field. Deliberately not here: the lookups themselves (each resource's create path).
"""

from __future__ import annotations

import pulumi

MARK = "pulumi-owner: "


def owner_of(resource_name: str) -> str:
    """The marker of the resource `resource_name` of the running program's stack."""
    return f"{pulumi.get_project()}/{pulumi.get_stack()}/{resource_name}"


def stack_of(owner: str) -> str:
    """The "<pulumi project>/<stack>" part of an owner marker."""
    return owner.rsplit("/", 1)[0]


def marked(description: str | None, owner: str) -> str:
    """The description to send: the program's text (if any), then the owner line."""
    text = unmarked(description)
    return f"{text}\n{MARK}{owner}" if text else f"{MARK}{owner}"


def unmarked(description: str | None) -> str | None:
    """The description without the owner line: what the program manages."""
    if description is None:
        return None
    lines = [line for line in description.split("\n") if not line.startswith(MARK)]
    return "\n".join(lines)


def owner_in(description: str | None) -> str | None:
    """The owner marker a description carries, if any."""
    found = [line[len(MARK) :] for line in (description or "").split("\n") if line.startswith(MARK)]
    return found[-1] if found else None
