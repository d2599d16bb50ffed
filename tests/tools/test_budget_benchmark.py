"""The budget benchmark's targets, asserted: a day of Cartly's work fits Hobby's 1,000 requests an hour even
in its busiest hour, no request is refused by the 10-a-second budget, and adaptive polling reads less."""

from __future__ import annotations

from typing import Any

from benchmarks.budget import BUSIEST_HOUR, HOURLY, measure, modelled_reads, report


def test_a_day_of_work_fits_the_hobby_budget_and_nothing_is_refused(fake_railway: Any) -> None:
    runs = measure(fake_railway.backend, fake_railway.token)

    assert [run.kind for run in runs] == ["preview up", "release", "preview destroy"]
    assert all(run.refused == 0 for run in runs)
    by_kind = {run.kind: run for run in runs}
    assert by_kind["release"].deploys == 2
    busiest = sum(by_kind[kind].modelled() * n for kind, n in BUSIEST_HOUR.items())
    assert busiest < HOURLY / 2
    assert "against Hobby's 1,000 an hour" in report(runs)


def test_adaptive_polling_reads_a_deployment_less_than_half_as_often() -> None:
    assert modelled_reads(adaptive=True) * 2 < modelled_reads(adaptive=False)
