"""The typed profile sections (profiles/schema.py): built once at load, each value with its source."""

from __future__ import annotations

import pytest
from tests.engine.support import assert_profile_fails

from irocli.engine.calendar import Offset
from irocli.profiles import CpSettings, KpiSettings, Ladder, load


def test_each_section_is_a_typed_value_built_at_load():
    knowsley = load("knowsley")
    assert isinstance(knowsley.escalation, Ladder) and isinstance(knowsley.cp, CpSettings)
    assert isinstance(knowsley.kpi, KpiSettings)
    assert knowsley.cp == CpSettings("first", ("cp.first-rcpc", "cp.rcpc"))
    # each stage keeps its own source; "agreed" sets no time
    one = knowsley.escalation.stages["1"]
    assert (one.response, one.source) == (None, "003 Stage 1 (timescales set by the IRO; the 20 WD cap applies)")
    assert knowsley.escalation.stages["2"].response == Offset(5, "working days")


@pytest.mark.parametrize("profile, rule, offset", [
    ("england", "esc.response", Offset(5, "working days")),
    ("knowsley", "esc.response", Offset(5, "days")),
    ("knowsley", "esc.cap", Offset(20, "working days")),
    ("blackpool", "esc.safeguarding", Offset(1, "days")),
    ("cpru", "esc.response", Offset(5, "working days")),
])
def test_each_escalation_rule_owns_its_offset(profile, rule, offset):
    assert load(profile).rules[rule].offset == offset


def test_policies_and_kpi_settings_come_from_england_with_their_sources():
    p = load("blackpool")  # inherited from england.toml
    assert p.policies.meeting_interval_ends.values == {"placement-change", "left-care", "adoption-order"}
    assert "Care Planning Guidance vol 2 para 4.17" in p.policies.meeting_interval_ends.source
    assert "before-review" in p.policies.untracked_types and "review" not in p.policies.untracked_types
    assert p.policies.roll_back.values == {"before-review", "before-conference"}
    assert p.policies.roll_on.values == {"after-review", "after-event", "midpoint"}
    assert p.policies.roll_back.source.startswith("RULES §6")
    assert p.kpi == KpiSettings(28, p.kpi.min_days_source, (50, 70), "IRO Handbook (2010) para 7.15")
    assert p.kpi.min_days_source.startswith("RULES §0")


@pytest.mark.parametrize("text, where, message", [
    ('extends = "england"\n[escalation]\ncap = "10 working days"\n', "escalation.cap",
     'moved: write it as offset in [rules."esc.cap"]'),
    ('extends = "england"\n[escalation]\ninformal_default = "5 days"\n', "escalation.informal_default",
     'moved: write it as offset in [rules."esc.response"]'),
    ('extends = "england"\n[policies.meeting-interval-ends]\nvalues = ["placement-chnage"]\nsource = "x"\n',
     "policies.meeting-interval-ends.values",
     "unknown event kind 'placement-chnage'; did you mean 'placement-change'?"),
    ('extends = "england"\n[policies.roll-on-types]\nvalues = ["after-reveiw"]\nsource = "x"\n',
     "policies.roll-on-types.values", "unknown rule type 'after-reveiw'; did you mean 'after-review'?"),
    ('extends = "england"\n[policies.roll-on-typs]\nvalues = []\nsource = "x"\n',
     "policies.roll-on-typs", 'unknown key; did you mean "roll-on-types"?'),
    ('extends = "england"\n[kpi]\ncaseload_band = [70, 50]\n', "kpi.caseload_band",
     "must be [low, high], two whole numbers"),
    ('extends = "england"\n[kpi]\nmin_days_looked_after = "4 weeks"\n', "kpi.min_days_looked_after",
     "must be a whole number of days from 1"),
    ('extends = "england"\n[rules."ms.return-interview"]\nroll = "no"\n', "rules.ms.return-interview.roll",
     "must be true or false"),
    # an authority's own number never goes out under england's citation
    ('extends = "england"\n[kpi]\ncaseload_band = [40, 60]\n', "kpi.caseload_band",
     "give kpi.caseload_source beside it (where this number comes from)"),
    ('extends = "england"\n[kpi]\nmin_days_looked_after = 14\n', "kpi.min_days_looked_after",
     "give kpi.min_days_source beside it (where this number comes from)"),
    ('extends = "england"\n[rules."visit.sw-interval"]\nlong_term_event = "long-term-fostr"\n',
     "rules.visit.sw-interval.long_term_event",
     "unknown event kind 'long-term-fostr'; did you mean 'long-term-foster'?"),
    ('extends = "england"\n[rules."visit.sw-first"]\nevent = ["entered-care", "placment-change"]\n',
     "rules.visit.sw-first.event", "unknown event kind 'placment-change'; did you mean 'placement-change'?"),
    # a KPI figure of the authority's own goes out under its own citation, never england's
    ('extends = "england"\n[kpi.groups.visits]\nprefixes = ["visit.sw-first"]\n', "kpi.groups.visits.prefixes",
     "give source beside prefixes (where this figure's definition comes from)"),
    ('extends = "england"\n[kpi.groups.missing]\ntitle = "Return interviews"\n', "kpi.groups.missing",
     "a new group needs prefixes and source"),
    ('extends = "england"\n[kpi.groups.peps]\nprefixes = "ms.pep"\nsource = "x"\n', "kpi.groups.peps.prefixes",
     "must be a list"),
    ('extends = "england"\n[kpi.groups.peps]\nprefixs = ["ms.pep"]\n', "kpi.groups.peps.prefixs",
     'unknown key; did you mean "prefixes"?'),
])
def test_a_bad_section_value_is_one_line_naming_file_and_key(tmp_path, text, where, message):
    assert_profile_fails(tmp_path, text, where, message)


def test_an_authority_can_change_a_policy_and_the_kpi_band(tmp_path):
    path = tmp_path / "myla.toml"
    path.write_text('extends = "england"\n[kpi]\ncaseload_band = [40, 60]\ncaseload_source = "our agreement"\n'
                    '[policies.roll-on-types]\nvalues = ["after-review"]\nsource = "our procedure"\n')
    p = load(str(path))
    assert (p.kpi.caseload_band, p.kpi.caseload_source, p.kpi.min_days_looked_after) == ((40, 60), "our agreement", 28)
    assert (p.policies.roll_on.values, p.policies.roll_on.source) == ({"after-review"}, "our procedure")
    assert p.policies.roll_back.values == {"before-review", "before-conference"}  # england's, unchanged


def test_kpi_figures_are_data_an_authority_can_change(tmp_path):
    from irocli.profiles.schema import DEFAULT_KPI_GROUPS

    # england's figures: by rule id prefix, so PEP rules added later (ms.pep-start, ms.pep-review) count
    groups = {g.name: g for g in load("england").kpi.groups}
    assert list(groups) == ["visits", "health-assessments", "sdq", "peps", "iro-notified"]
    assert tuple(groups.values()) == DEFAULT_KPI_GROUPS
    assert [r for r in ("ms.pep", "ms.pep-start", "ms.pep-review", "ms.placement-plan") if groups["peps"].takes(r)] \
        == ["ms.pep", "ms.pep-start", "ms.pep-review"]
    assert groups["health-assessments"].takes("health.rha") and not groups["health-assessments"].takes("health.sdq")
    assert groups["visits"].takes("visit.sw-interval") and not groups["visits"].takes("review.first")
    # an authority drops one figure, keeps england's title when it narrows one, and adds its own last
    path = tmp_path / "myla.toml"
    path.write_text('extends = "england"\n[kpi.groups.sdq]\nprefixes = []\n'
                    '[kpi.groups.visits]\nprefixes = ["visit.sw-first"]\nsource = "our scorecard"\n'
                    '[kpi.groups.return-interviews]\ntitle = "Return interviews"\n'
                    'prefixes = ["ms.return-interview"]\nsource = "our missing protocol"\n')
    mine = {g.name: g for g in load(str(path)).kpi.groups}
    assert list(mine) == ["visits", "health-assessments", "peps", "iro-notified", "return-interviews"]
    assert (mine["visits"].title, mine["visits"].prefixes, mine["visits"].source) == (
        groups["visits"].title, ("visit.sw-first",), "our scorecard")
    assert (mine["return-interviews"].title, mine["return-interviews"].source) == (
        "Return interviews", "our missing protocol")
