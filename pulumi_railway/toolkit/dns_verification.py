"""The TXT record that proves a custom domain is ours, in the form Railway's CLI writes it.

Railway answers the verification host as a full name and the token bare (API.md §8); a DNS host wants a
label under the zone (`_railway-verify.app`) and `railway-verify=<token>`, as the CLI
(src/commands/domain.rs) writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

PREFIX = "railway-verify="
TXT = "DNS_RECORD_TYPE_TXT"


def host_label(host: str, zone: str) -> str:
    """The host without the zone: `_railway-verify.app.example.com` in example.com → `_railway-verify.app`."""
    host, zone = host.strip().rstrip(".").lower(), zone.strip().rstrip(".").lower()
    if zone and host.endswith(f".{zone}"):
        return host[: -len(zone) - 1]
    return host


def txt_value(token: str) -> str:
    """`railway-verify=<token>`, whether or not Railway already put the prefix on it."""
    token = token.strip()
    return token if token.startswith(PREFIX) else f"{PREFIX}{token}"


def zone_of(domain: str, records: Sequence[Mapping[str, Any]]) -> str:
    """The zone Railway names on the domain's records, else the domain's last two labels."""
    for record in records:
        if record.get("zone"):
            return str(record["zone"])
    return ".".join(domain.rstrip(".").split(".")[-2:])


# Railway's `dnsRecords` may list only the CNAME (docs api/manage-domains.md); a token that already carries
# the prefix is accepted.
def with_verification(
    domain: str, records: Sequence[Mapping[str, Any]], host: str | None, token: str | None
) -> list[dict[str, Any]]:
    """Railway's records (output shape), its TXT record(s) replaced by the one in the CLI's form."""
    out = [dict(record) for record in records if record.get("record_type") != TXT]
    if not (host and token):
        return out + [dict(record) for record in records if record.get("record_type") == TXT]
    zone = zone_of(domain, records)
    label = host_label(host, zone)
    out.append(
        {
            "hostlabel": label,
            "fqdn": f"{label}.{zone}",
            "record_type": TXT,
            "required_value": txt_value(token),
            "zone": zone,
            "purpose": "DNS_RECORD_PURPOSE_VERIFICATION",
        }
    )
    return out
