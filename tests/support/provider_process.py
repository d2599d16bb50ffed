"""The real provider process (`python -u -m pulumi.dynamic`, as the engine starts it) and its gRPC stub, for
the tests that drive it the way the engine does."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2_grpc

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / "venv" / "bin" / "python"


@contextmanager
def provider_process(env: Mapping[str, str]) -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    """Start the process in the repository with exactly `env`, wait for its port; killed on the way out."""
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    process = subprocess.Popen(
        [python, "-u", "-m", "pulumi.dynamic"],
        cwd=ROOT,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().decode().strip())
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield provider_pb2_grpc.ResourceProviderStub(channel)
        channel.close()
    finally:
        process.kill()
        process.wait(timeout=10)


def struct(props: dict[str, Any]) -> Any:
    """Properties as the engine sends them over gRPC (a protobuf Struct)."""
    return asyncio.run(rpc.serialize_properties(props, {}))
