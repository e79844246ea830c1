"""engine.conferences.plan_status: where child protection stands after a timeline, by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from irocli.domain import Event
from irocli.engine.conferences import plan_status


def timeline(*pairs: tuple[str, str]) -> list[Event]:
    return [Event(kind, dt.date.fromisoformat(day), i + 1) for i, (kind, day) in enumerate(pairs)]


@pytest.mark.parametrize("events, expected", [
    ((), ("none", None)),
    ((("strategy-discussion", "2025-01-10"),), ("ICPC awaited", "2025-01-10")),
    ((("strategy-discussion", "2025-01-10"), ("strategy-discussion", "2025-01-20")), ("ICPC awaited", "2025-01-10")),
    ((("strategy-discussion", "2025-01-10"), ("no-icpc", "2025-01-24")), ("none", None)),
    ((("strategy-discussion", "2025-01-10"), ("icpc-held", "2025-01-30")), ("CP plan", "2025-01-30")),
    ((("icpc-held", "2025-01-30"), ("rcpc-held", "2025-04-30")), ("CP plan", "2025-01-30")),
    ((("icpc-held", "2025-01-30"), ("cp-plan-ended", "2025-04-30")), ("none", None)),
    # a strategy discussion during a plan raises no new ICPC; a new ICPC after the plan ended starts a new plan
    ((("icpc-held", "2025-01-30"), ("strategy-discussion", "2025-02-10"), ("cp-plan-ended", "2025-04-30")),
     ("none", None)),
    ((("icpc-held", "2024-01-30"), ("cp-plan-ended", "2024-04-30"), ("icpc-held", "2025-03-03")),
     ("CP plan", "2025-03-03")),
], ids=["nothing", "enquiry", "second discussion", "no ICPC", "ICPC held", "review conference", "plan ended",
        "discussion during a plan", "a second plan"])
def test_plan_status(events, expected):
    status, since = plan_status(timeline(*events))
    assert (status, since.isoformat() if since else None) == expected
