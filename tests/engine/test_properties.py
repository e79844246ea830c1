"""Property tests of the engine: every date explains itself, and completing never hurries."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irocli.domain import Event
from irocli.engine import derive
from irocli.profiles import SHIPPED, load

PROFILES = {name: load(name) for name in SHIPPED}
KINDS = ["review-held", "placement-change", "placement-order", "placed-for-adoption", "review-adjourned",
         "review-booked", "review-directed", "iro-visit", "decisions-circulated", "record-distributed",
         "invitations-sent", "progress-review", "left-care", "entered-care", "long-term-foster",
         "s19-consent", "short-breaks-started", "history-known-from", "strategy-discussion", "icpc-held",
         "rcpc-held", "iro-allocated", "change-proposed", "pep", "pep-review", "secure-placement", "secure-review",
         "secure-ended", "core-group"]
COMPLETING = ["iro-visit", "record-distributed", "invitations-sent", "progress-review", "child-consulted",
              "full-record", "care-plan-updated", "sw-documents", "iro-preparation", "care-plan", "pep", "pep-started",
              "pep-review", "secure-review", "core-group"]
START = dt.date(2019, 1, 1)


@st.composite
def histories(draw):
    start = START + dt.timedelta(days=draw(st.integers(0, 2000)))
    evs = [Event("entered-care", start, id=1)]
    day = start
    for i in range(draw(st.integers(0, 14))):
        day = day + dt.timedelta(days=draw(st.integers(0, 120)))
        evs.append(Event(draw(st.sampled_from(KINDS)), day, id=i + 2, meeting=draw(st.booleans())))
    as_of = day + dt.timedelta(days=draw(st.integers(0, 200)))
    return evs, as_of


profiles = st.sampled_from(sorted(PROFILES))
settings.register_profile("engine", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("engine")


@given(histories(), profiles, st.dates(dt.date(1995, 1, 1), dt.date(2020, 1, 1)))
def test_explain_arithmetic_reproduces_every_date(history, profile_name, dob):
    evs, as_of = history
    profile = PROFILES[profile_name]
    for ob in derive("C", evs, profile, as_of, dob=dob).obligations:
        d = ob.derivation
        assert ob.due.isoformat() in d.arithmetic
        if ob.offset is not None:
            assert profile.calendar.add(ob.anchor_date, ob.offset) == (ob.rolled_from or ob.due), d.arithmetic
        if ob.rolled_from is not None:
            assert ob.rolled_from.isoformat() in d.arithmetic and "not a working day" in d.arithmetic
        if ob.offset is not None and ob.offset.unit == "working days" and ob.offset.n:
            assert profile.calendar.is_working_day(ob.due)


@given(histories(), profiles)
def test_at_most_one_open_review_obligation(history, profile_name):
    evs, as_of = history
    out = derive("C", evs, PROFILES[profile_name], as_of)
    assert len([o for o in out.open() if o.rule.startswith("review.") and o.rule not in (
        "review.rearranged-outside", "review.po-9-months", "review.long-term-foster",
        "review.secure")]) <= 1  # the secure accommodation panel (RULES §7) runs beside the review sequence


@given(histories(), profiles, st.sampled_from(COMPLETING), st.integers(0, 400))
def test_adding_a_completing_event_never_makes_a_deadline_earlier(history, profile_name, kind, offset):
    evs, as_of = history
    profile = PROFILES[profile_name]
    when = min(evs[0].date + dt.timedelta(days=offset), as_of)
    before = derive("C", evs, profile, as_of).obligations
    after = derive("C", [*evs, Event(kind, when, id=999)], profile, as_of).obligations

    def dues(obs, anchored_on_new=False):
        out: dict[tuple, list] = {}
        for o in obs:
            if o.anchor_kind == kind and o.anchor_date == when:
                continue  # an obligation the new event itself anchors (e.g. visit -> record it)
            out.setdefault((o.rule, o.anchor_kind, o.anchor_date), []).append(o.due)
        return {k: sorted(v) for k, v in out.items()}

    old, new = dues(before), dues(after)
    assert new.keys() == old.keys()
    for key, new_dues in new.items():
        assert all(n >= o for n, o in zip(new_dues, old[key], strict=True)), key
    open_before = sorted((o.rule, o.due) for o in before if o.status.is_open)
    open_after = sorted((o.rule, o.due) for o in after if o.status.is_open
                        and not (o.anchor_kind == kind and o.anchor_date == when))
    assert set(open_after) <= set(open_before)


@given(histories(), st.sampled_from(["england", "blackpool"]), st.integers(0, 200))
def test_holding_a_review_never_brings_the_next_review_forward(history, profile_name, gap):
    evs, as_of = history
    profile = PROFILES[profile_name]
    review = derive("C", evs, profile, as_of).open()
    reviews = [o for o in review if o.rule in ("review.first", "review.second", "review.subsequent")]
    if not reviews or any(e.kind != "review-held" and e.kind != "entered-care" for e in evs):
        return
    last = max(e.date for e in evs)
    held = last + dt.timedelta(days=gap)
    later = derive("C", [*evs, Event("review-held", held, id=999)], profile, held).open()
    [nxt] = [o for o in later if o.rule.startswith("review.")]
    assert nxt.due >= reviews[0].due


TASK_TYPES = ("before-review", "after-review", "after-event", "midpoint", "before-conference")


@given(histories(), profiles, st.dates(dt.date(2000, 1, 1), dt.date(2020, 1, 1)))
def test_nothing_is_due_on_or_after_the_18th_birthday_and_no_task_on_a_closed_day(history, profile_name, dob):
    """RULES §6: looked-after obligations end at 18; calendar-day tasks move off closed days."""
    evs, as_of = history
    profile = PROFILES[profile_name]
    eighteen = dob.replace(year=dob.year + 18) if (dob.month, dob.day) != (2, 29) else dt.date(dob.year + 18, 2, 28)
    for ob in derive("C", evs, profile, as_of, dob=dob).obligations:
        assert ob.due < eighteen, (ob.rule, ob.due)
        if profile.rules[ob.rule].type in TASK_TYPES:
            assert profile.calendar.is_working_day(ob.due), (ob.rule, ob.due)
