"""Helpers for rule tests: build events tersely and assert in the domain's words (a plain module:
tests import it; conftest.py keeps only fixtures)."""

from __future__ import annotations

import datetime as dt

from irocli.domain import Event, Status
from irocli.engine import derive
from irocli.profiles import load


def D(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def events(*pairs, meeting_off=()) -> list[Event]:
    """events(("entered-care", "2025-01-01"), ...) with ids in order."""
    return [Event(kind, D(day), id=i + 1, meeting=(i not in meeting_off)) for i, (kind, day) in enumerate(pairs)]


class Child:
    """One child's outcome under a profile, with domain-named assertions."""

    def __init__(self, profile: str, evs, as_of: str, dob: str | None = None):
        self.outcome = derive("C1", evs, load(profile), D(as_of), dob=D(dob) if dob else None)
        self.obs = self.outcome.obligations

    def of(self, rule: str):
        found = [o for o in self.obs if o.rule == rule]
        assert found, f"no {rule} among {sorted({o.rule for o in self.obs})}"
        return found

    def open_review(self):
        reviews = [o for o in self.obs if o.rule.startswith("review.") and o.status.is_open]
        assert len(reviews) <= 1, f"more than one open review obligation: {reviews}"
        return reviews[0] if reviews else None

    def assert_open_review(self, rule: str, due: str) -> None:
        r = self.open_review()
        assert r is not None, "no open review obligation"
        assert (r.rule, r.due) == (rule, D(due)), f"open review is {r.rule} due {r.due}"

    def assert_due(self, rule: str, due: str, status: Status | str | None = None, nth: int = -1) -> None:
        o = self.of(rule)[nth]
        assert o.due == D(due), f"{rule} due {o.due}, expected {due}"
        if status is not None:
            assert o.status == Status(status), f"{rule} is {o.status}, expected {status}"

    def assert_met_late(self, rule: str, due: str, met_on: str, nth: int = -1) -> None:
        o = self.of(rule)[nth]
        assert (o.due, o.status, o.met_on) == (D(due), Status.MET_LATE, D(met_on)), o

    def assert_met(self, rule: str, due: str, met_on: str, nth: int = -1) -> None:
        o = self.of(rule)[nth]
        assert (o.due, o.status, o.met_on) == (D(due), Status.MET, D(met_on)), o

    def assert_absent(self, rule: str) -> None:
        assert not [o for o in self.obs if o.rule == rule], f"{rule} should not be there"


def assert_profile_fails(tmp_path, text: str, where: str, message: str) -> None:
    """A profile file holding `text` fails to load with exactly "<file>: <where>: <message>"."""
    import pytest

    from irocli.errors import BadInput

    path = tmp_path / "myla.toml"
    path.write_text(text)
    with pytest.raises(BadInput) as caught:
        load(str(path))
    assert str(caught.value) == f"{path}: {where}: {message}"
