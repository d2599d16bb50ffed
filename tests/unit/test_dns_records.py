"""The DNS records a stack exports: Railway's routing records plus the TXT verification record, once."""

from __future__ import annotations

from typing import Any

from components.cartly_stack import with_verification_record

CNAME = {
    "hostlabel": "staging",
    "fqdn": "staging.cartly.io",
    "record_type": "DNS_RECORD_TYPE_CNAME",
    "required_value": "abc.up.railway.app",
    "zone": "cartly.io",
}
TXT = {
    "hostlabel": "_railway-verify.staging",
    "fqdn": "_railway-verify.staging.cartly.io",
    "record_type": "DNS_RECORD_TYPE_TXT",
    "required_value": "railway-verify=t0ken",
    "zone": "cartly.io",
}


def test_the_verification_record_is_added_when_railway_lists_only_the_routing_record() -> None:
    records = with_verification_record([CNAME], "_railway-verify.staging", "railway-verify=t0ken")
    assert len(records) == 2
    assert records[0] == CNAME
    assert records[1] == {
        "hostlabel": "_railway-verify.staging",
        "record_type": "DNS_RECORD_TYPE_TXT",
        "required_value": "railway-verify=t0ken",
        "purpose": "verification",
    }


def test_the_verification_record_is_not_repeated_when_railway_lists_it() -> None:
    records = with_verification_record([CNAME, TXT], "_railway-verify.staging", "railway-verify=t0ken")
    assert len(records) == 2
    assert records == [CNAME, TXT]


def test_without_a_verification_token_only_railways_records_are_exported() -> None:
    records: list[dict[str, Any]] = with_verification_record([CNAME], None, None)
    assert records == [CNAME]


def test_railways_records_are_copied_not_shared() -> None:
    records = with_verification_record([CNAME], None, None)
    records[0]["fqdn"] = "changed"
    assert CNAME["fqdn"] == "staging.cartly.io"
