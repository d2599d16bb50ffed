"""The stand-in provider: records each request, keeps nothing, answers with inputs plus computed outputs.

Built on `pulumi.provider.experimental` (the SDK's own gRPC provider server); `StandIn` only decides what
each request answers and writes the record. See README.md beside it for what it is and is not.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    InvokeRequest,
    InvokeResponse,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

LOG_ENV = "CARTLY_STANDIN_LOG"
SECRET = "$secret"  # a recorded secret: {"$secret": <value>}
COMPUTED = "$computed"  # a recorded unknown (preview)

Props = dict[str, PropertyValue]
Computer = Callable[[str, Mapping[str, Any]], dict[str, Any]]  # (resource name, plain inputs) -> outputs


def recorded(value: PropertyValue) -> Any:
    """A property value as JSON, every secret wrapped as {"$secret": ...} (nested secrets too)."""
    inner = value.value
    if isinstance(inner, Computed):
        plain: Any = COMPUTED
    elif isinstance(inner, Mapping):
        plain = {key: recorded(item) for key, item in inner.items()}
    elif isinstance(inner, list | tuple):
        plain = [recorded(item) for item in inner]
    elif isinstance(inner, str | bool | float | int) or inner is None:
        plain = inner
    else:
        plain = repr(inner)
    return {SECRET: plain} if value.is_secret else plain


def bare(value: PropertyValue) -> Any:
    """A property value without its secret markers, to compare old and new."""
    inner = value.value
    if isinstance(inner, Mapping):
        return {key: bare(item) for key, item in inner.items()}
    if isinstance(inner, list | tuple):
        return [bare(item) for item in inner]
    return inner


def digest(*parts: str) -> str:
    """A deterministic `sha256:<64 hex>` for the given text."""
    return "sha256:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def numeric_id(*parts: str) -> str:
    """A deterministic positive integer id, as text (GitHub's user and team ids are integers)."""
    return str(int(hashlib.sha256("\0".join(parts).encode()).hexdigest()[:8], 16))


def record(provider: str, method: str, **fields: Any) -> None:
    """Append one JSON line to $CARTLY_STANDIN_LOG (locked: the github and docker plugins share it)."""
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    line = json.dumps({"provider": provider, "method": method, **fields}, sort_keys=True) + "\n"
    with open(path, "a", encoding="utf-8") as out:
        fcntl.flock(out, fcntl.LOCK_EX)
        out.write(line)


def _urn_parts(urn: str) -> tuple[str, str]:
    """(type, name) of a URN `urn:pulumi:<stack>::<project>::<parent$type>::<name>`."""
    parts = urn.split("::")
    return parts[-2].split("$")[-1], parts[-1]


class StandIn(Provider):
    """One stand-in plugin: `computed` per resource type adds outputs, `invokes` answers data sources."""

    def __init__(self, name: str, computed: Mapping[str, Computer], invokes: Mapping[str, Computer]) -> None:
        self.name = name
        self.computed = computed
        self.invokes = invokes

    def _log(self, method: str, urn: str, **props: Props | str | bool | None) -> None:
        kind, name = _urn_parts(urn) if urn else ("", "")
        fields: dict[str, Any] = {"type": kind, "name": name}
        for key, value in props.items():
            fields[key] = {k: recorded(v) for k, v in value.items()} if isinstance(value, dict) else value
        record(self.name, method, **fields)

    def _outputs(self, urn: str, inputs: Props) -> Props:
        kind, name = _urn_parts(urn)
        extra = self.computed.get(kind)
        if extra is None:
            return dict(inputs)
        plain = {key: bare(value) for key, value in inputs.items()}
        return {**inputs, **{key: PropertyValue(value) for key, value in extra(name, plain).items()}}

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        self._log("CheckConfig", request.urn, news=request.new_inputs)
        return CheckResponse(inputs=request.new_inputs)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        record(self.name, "Configure", args={k: recorded(v) for k, v in request.args.items()})
        return ConfigureResponse(accept_secrets=True, supports_preview=True, accept_resources=True)

    async def check(self, request: CheckRequest) -> CheckResponse:
        self._log("Check", request.urn, news=request.new_inputs)
        return CheckResponse(inputs=request.new_inputs)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        kind, _ = _urn_parts(request.urn)
        computed = set(self.computed[kind]("", {}) if kind in self.computed else {})
        keys = (set(request.old_state) | set(request.new_inputs)) - computed
        missing = PropertyValue(None)
        changed = sorted(
            key
            for key in keys
            if bare(request.old_state.get(key, missing)) != bare(request.new_inputs.get(key, missing))
        )
        self._log("Diff", request.urn, news=request.new_inputs, changed=json.dumps(changed))
        return DiffResponse(changes=bool(changed), diffs=changed)

    async def create(self, request: CreateRequest) -> CreateResponse:
        self._log("Create", request.urn, properties=request.properties, preview=request.preview)
        kind, name = _urn_parts(request.urn)
        outputs = self._outputs(request.urn, request.properties)
        return CreateResponse(resource_id=f"standin-{self.name}-{numeric_id(kind, name)}", properties=outputs)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        self._log("Update", request.urn, news=request.news, preview=request.preview)
        return UpdateResponse(properties=self._outputs(request.urn, request.news))

    async def read(self, request: ReadRequest) -> ReadResponse:
        self._log("Read", request.urn)
        return ReadResponse(request.resource_id, properties=request.properties, inputs=request.inputs)

    async def delete(self, request: DeleteRequest) -> None:
        self._log("Delete", request.urn, properties=request.properties)

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        record(self.name, "Invoke", token=request.tok, args={k: recorded(v) for k, v in request.args.items()})
        answer = self.invokes.get(request.tok)
        if answer is None:
            raise NotImplementedError(
                f"the {self.name} stand-in (testkit/standins) does not answer {request.tok}: add it there"
            )
        plain = {key: bare(value) for key, value in request.args.items()}
        return InvokeResponse(return_value={k: PropertyValue(v) for k, v in answer("", plain).items()})
