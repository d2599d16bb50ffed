"""Stand-in provider plugins for pulumi-github and pulumi-docker, for running the real Pulumi engine offline:
they record what the engine sends them and create nothing real. README.md beside it says why they exist,
what they answer, and what they cannot prove."""

from testkit.standins.install import PLUGINS, install, wanted_version

__all__ = ["PLUGINS", "install", "wanted_version"]
