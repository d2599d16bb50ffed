"""What each stand-in answers: the computed outputs of the resources and the data sources the program uses
(components/github_actions.py, components/image.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from testkit.standins.provider import StandIn, digest, numeric_id


def _github_user(_: str, args: Mapping[str, Any]) -> dict[str, Any]:
    login = str(args.get("username", ""))
    return {"id": numeric_id("user", login), "login": login, "username": login, "nodeId": f"U_{login}"}


def _github_team(_: str, args: Mapping[str, Any]) -> dict[str, Any]:
    slug = str(args.get("slug", ""))
    return {"id": numeric_id("team", slug), "slug": slug, "name": slug, "nodeId": f"T_{slug}"}


def _registry_image(_: str, args: Mapping[str, Any]) -> dict[str, Any]:
    name = str(args.get("name", ""))
    return {"id": name, "name": name, "sha256Digest": digest("registry", name)}


def _image(_: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    image_name = str(inputs.get("imageName", ""))
    repository = image_name.rsplit(":", 1)[0] if ":" in image_name.rsplit("/", 1)[-1] else image_name
    return {"repoDigest": f"{repository}@{digest('build', image_name)}"}


def github() -> StandIn:
    invokes: dict[str, Callable[[str, Mapping[str, Any]], dict[str, Any]]] = {
        "github:index/getUser:getUser": _github_user,
        "github:index/getTeam:getTeam": _github_team,
    }
    return StandIn("github", computed={}, invokes=invokes)


def docker() -> StandIn:
    return StandIn(
        "docker",
        computed={"docker:index/image:Image": _image},
        invokes={"docker:index/getRegistryImage:getRegistryImage": _registry_image},
    )


STANDINS: dict[str, Callable[[], StandIn]] = {"github": github, "docker": docker}
