"""The TXT verification record in the form Railway's CLI writes: zone stripped from the host, value
`railway-verify=<token>`, once, whatever Railway's `dnsRecords` lists."""

from __future__ import annotations

from pulumi_railway.toolkit.dns_verification import host_label, txt_value, with_verification

CNAME = {
    "hostlabel": "staging",
    "fqdn": "staging.cartly.io",
    "record_type": "DNS_RECORD_TYPE_CNAME",
    "required_value": "abc.up.railway.app",
    "zone": "cartly.io",
}
LISTED_TXT = {
    "hostlabel": "_railway-verify.staging.cartly.io",
    "record_type": "DNS_RECORD_TYPE_TXT",
    "required_value": "t0ken",
    "zone": "cartly.io",
}


def test_the_zone_is_stripped_from_the_verification_host() -> None:
    assert host_label("_railway-verify.staging.cartly.io", "cartly.io") == "_railway-verify.staging"
    assert host_label("_railway-verify.cartly.io", "cartly.io") == "_railway-verify"
    assert host_label("_railway-verify.staging", "cartly.io") == "_railway-verify.staging"  # already a label


def test_the_value_carries_the_prefix_once() -> None:
    assert txt_value("t0ken") == "railway-verify=t0ken"
    assert txt_value("railway-verify=t0ken") == "railway-verify=t0ken"


def test_the_verification_record_is_added_when_railway_lists_only_the_routing_record() -> None:
    records = with_verification("staging.cartly.io", [CNAME], "_railway-verify.staging.cartly.io", "t0ken")
    assert len(records) == 2
    assert records[0] == CNAME
    assert (records[1]["hostlabel"], records[1]["required_value"]) == (
        "_railway-verify.staging",
        "railway-verify=t0ken",
    )
    assert records[1]["fqdn"] == "_railway-verify.staging.cartly.io"


def test_a_txt_record_railway_lists_is_replaced_by_the_one_in_the_clis_form() -> None:
    records = with_verification(
        "staging.cartly.io", [CNAME, LISTED_TXT], "_railway-verify.staging.cartly.io", "t0ken"
    )
    assert len(records) == 2
    assert [r["hostlabel"] for r in records] == ["staging", "_railway-verify.staging"]


def test_without_a_verification_token_only_railways_records_are_exported() -> None:
    records = with_verification("staging.cartly.io", [CNAME], None, None)
    assert records == [CNAME]
    records[0]["fqdn"] = "changed"
    assert CNAME["fqdn"] == "staging.cartly.io"
