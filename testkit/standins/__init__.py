"""Stand-in provider plugins for pulumi-github and pulumi-docker, for running the real Pulumi engine offline.

STAND-INS, NOT THE PROVIDERS: the real plugins cannot be built from the Go module proxy (their go.mod
replaces the upstream Terraform provider with a local submodule), so the engine tier (tests/engine/) and the
local sandbox run these instead. Each is a small gRPC `ResourceProvider` server built on the Pulumi SDK's
`pulumi.provider.experimental` framework that:

- records every request it receives (method, type, name, properties with every secret marked) as one JSON
  line in the file named by env `CARTLY_STANDIN_LOG`, so a test can assert what GitHub would be told and
  that every secret arrives marked secret;
- creates, updates, reads and deletes nothing real: a resource's outputs are its inputs plus the few
  computed outputs the program reads (a docker `Image`'s `repoDigest`);
- answers the data sources the program calls (`github:index/getUser:getUser`, `github:index/getTeam:getTeam`,
  `docker:index/getRegistryImage:getRegistryImage`) with deterministic ids and digests.

Nothing here proves the real providers' behaviour (their schemas' validation, GitHub's API, a registry):
only what the program and the engine send them. `install()` puts them into a `PULUMI_HOME` plugin cache at
exactly the versions the installed wheels ask for (their `pulumi-plugin.json`).
"""

from testkit.standins.install import PLUGINS, install, wanted_version

__all__ = ["PLUGINS", "install", "wanted_version"]
