"""The app image on GHCR, handed on by digest (`ghcr.io/<owner>/<repo>@sha256:…`): one given by a preview's
dispatch or a release, one the stack keeps in an `ImagePin` (long-lived stacks: only a release changes it),
an image built and pushed here, or a pushed tag resolved to its digest."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from components.image_pin import ImagePin
from components.settings.values import ImageSettings

_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


@dataclass(frozen=True)
class GhcrImageArgs:
    settings: ImageSettings
    registry_password: pulumi.Input[str]  # secret: a GHCR token with read:packages (write:packages to build)
    remember: bool = False  # keep the running digest in state (long-lived stacks): only a release changes it


def pinned(repository: str, digest: str) -> str:
    """`repository@digest`, refusing anything that is not a sha256 digest (an empty lookup, a tag)."""
    if not _DIGEST.match(digest):
        raise ValueError(f"Unable to pin image {repository}: '{digest}' is not a sha256 digest")
    return f"{repository}@{digest}"


def digest_of(repo_digest: str) -> str:
    """The `sha256:...` part of `repo@sha256:...` (what docker.Image's repo_digest holds)."""
    _, _, digest = repo_digest.partition("@")
    if not _DIGEST.match(digest):
        raise ValueError(f"Unable to read the digest of pushed image '{repo_digest}'")
    return digest


class GhcrImage(pulumi.ComponentResource):
    """The image Railway runs: `ref` (repository@sha256:...) and `digest` (sha256:...)."""

    ref: pulumi.Output[str]
    digest: pulumi.Output[str]

    def __init__(self, name: str, args: GhcrImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("cartly:image:GhcrImage", name, None, opts)
        s = args.settings
        password = pulumi.Output.secret(args.registry_password)
        if s.digest is not None:  # given by the dispatch: exactly this image, nothing to look up
            self.digest = pulumi.Output.from_input(s.digest)
        elif s.build_context is not None:
            self.digest = self._build(name, s, password)
        else:
            self.digest = self._pulled(name, s, password, remember=args.remember)
        self.ref = self.digest.apply(lambda digest: pinned(s.repository, digest))
        self.register_outputs({"ref": self.ref, "digest": self.digest})

    def _pulled(
        self, name: str, s: ImageSettings, password: pulumi.Output[str], *, remember: bool
    ) -> pulumi.Output[str]:
        """The digest of a pushed image: a release's, the pinned one (`remember`), or the tag's."""
        # Declared on every run, a release's included: a provider missing from one run is deleted by it
        # (and production protects it, so a release there would fail), then created again by the next.
        registry = self._registry(name, s, password)
        if remember:
            resolved = self._resolve(s, registry, required=False) if not s.release_digest else ""
            pin = ImagePin(
                f"{name}-pin",
                repository=s.repository,
                tag=s.tag,
                requested=s.release_digest,
                resolved=resolved,
                opts=pulumi.ResourceOptions(parent=self),
            )
            return pin.digest
        if s.release_digest:
            return pulumi.Output.from_input(s.release_digest)
        return self._resolve(s, registry, required=True)

    def _build(self, name: str, s: ImageSettings, password: pulumi.Output[str]) -> pulumi.Output[str]:
        image = docker.Image(
            f"{name}-build",
            image_name=s.tagged,
            build=docker.DockerBuildArgs(
                context=s.build_context, dockerfile=s.dockerfile, platform="linux/amd64"
            ),
            registry=docker.RegistryArgs(server=s.registry, username=s.registry_username, password=password),
            opts=pulumi.ResourceOptions(parent=self),
        )
        return image.repo_digest.apply(digest_of)

    def _registry(self, name: str, s: ImageSettings, password: pulumi.Output[str]) -> docker.Provider:
        """The docker provider that reads GHCR with the stack's token (for tag lookups)."""
        return docker.Provider(
            f"{name}-registry",
            registry_auth=[
                docker.ProviderRegistryAuthArgs(
                    address=s.registry, username=s.registry_username, password=password
                )
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _resolve(self, s: ImageSettings, registry: docker.Provider, *, required: bool) -> pulumi.Output[str]:
        """The tag's digest; "" for a missing tag unless `required` (a pinned stack may not need it)."""
        found = docker.get_registry_image_output(
            name=s.tagged, opts=pulumi.InvokeOutputOptions(parent=self, provider=registry)
        )
        return found.sha256_digest.apply(lambda digest: _found(s.tagged, digest, required))


def _found(tagged: str, digest: str | None, required: bool = True) -> str:
    if not digest and not required:
        return ""
    if not digest:
        raise ValueError(
            f"Unable to resolve image {tagged}: the registry has no such tag; push it first "
            "(the app pipeline pushes <branch>-<sha> and pr-<N>) or fix cartly-infra:imageTag"
        )
    return digest
