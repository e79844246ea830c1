"""Profile files: a misspelt key, rule type, rule id or event kind is one line naming the file and
the key, with the closest known name when one is close (issue 13)."""

from __future__ import annotations

import pytest
from tests.engine.support import assert_profile_fails

from irocli.engine.calendar import Offset
from irocli.profiles import load

RULE = 'title = "T"\nsource = "S"\n'


@pytest.mark.parametrize("text, where, message", [
    ('extends = "england"\ntitel = "My LA"\n', "titel", 'unknown key; did you mean "title"?'),
    ('extends = "england"\nprinter = "A4"\n', "printer", "unknown key"),
    ('extends = "england"\n[rules."review.secnd"]\nenabled = false\n', "rules.review.secnd",
     'england has no rule "review.secnd" to change (a new rule needs a type); did you mean "review.second"?'),
    ('extends = "england"\n[rules."review.subsequnt"]\noffset = "5 months"\n', "rules.review.subsequnt",
     'england has no rule "review.subsequnt" to change (a new rule needs a type); did you mean '
     '"review.subsequent"?'),
    ('extends = "england"\n[rules."my.visit"]\nenabled = false\n', "rules.my.visit",
     'england has no rule "my.visit" to change (a new rule needs a type)'),
    (f'extends = "england"\n[rules."my.check"]\ntype = "befor-review"\n{RULE}', "rules.my.check.type",
     "unknown rule type 'befor-review'; did you mean 'before-review'?"),
    (f'extends = "england"\n[rules."my.check"]\ntype = "weekly"\n{RULE}', "rules.my.check.type",
     "type must be one of review, requirement, adjournment, authorisation, before-review, after-review, "
     "after-event, midpoint, at-review, age, first-review-after-age, placement-order-check, meeting-interval, "
     "icpc, conference-review, before-conference, escalation, placement-start, visit-interval, visit-regime, "
     "regime-expiry, placement-end, episode-start, assessment-interval, age-band-interval, school-age-start, "
     "term-review, stay-interval"),
    ('extends = "england"\n[rules."review.second"]\nofset = "4 months"\n', "rules.review.second.ofset",
     'unknown key for a review rule; did you mean "offset"?'),
    ('extends = "england"\n[reviews]\nsequence = ["review.first", "review.secnd"]\n', "reviews.sequence",
     "'review.secnd' is not a review rule of this profile; did you mean 'review.second'?"),
    ('extends = "england"\n[reviews]\nshort_break = ["review.first"]\n', "reviews.short_break",
     'unknown key; did you mean "short_breaks"?'),
    ('extends = "england"\n[triggers.placement-change]\nsequnce = ["review.first"]\n',
     "triggers.placement-change.sequnce", 'unknown key; did you mean "sequence"?'),
    ('extends = "england"\n[triggers.placement-chnage]\nsequence = ["review.first"]\n',
     "triggers.placement-chnage", "unknown event kind 'placement-chnage'; did you mean 'placement-change'?"),
    ('extends = "england"\n[cp]\nicpc_ancor = "last"\n', "cp.icpc_ancor", 'unknown key; did you mean "icpc_anchor"?'),
], ids=["top-key", "top-key-not-close", "rule-id-disabled", "rule-id-changed", "rule-id-not-close", "rule-type",
        "rule-type-not-close", "rule-key", "review-sequence", "reviews-key", "trigger-key", "trigger-kind", "cp-key"])
def test_a_misspelt_name_in_a_profile_suggests_the_closest(tmp_path, text, where, message):
    assert_profile_fails(tmp_path, text, where, message)


def test_a_new_rule_with_a_type_is_added_whatever_its_id(tmp_path):
    path = tmp_path / "myla.toml"
    path.write_text(f'extends = "england"\n[rules."review.secnd-visit"]\ntype = "requirement"\n{RULE}'
                    'event = "placement-change"\noffset = "5 working days"\n')
    profile = load(str(path))
    assert profile.rules["review.secnd-visit"].type == "requirement"
    assert "review.second" in profile.rules


def test_a_profile_that_extends_another_changes_its_rules(tmp_path):
    path = tmp_path / "myla.toml"
    path.write_text('extends = "england"\n[rules."review.second"]\noffset = "4 months"\n'
                    '[rules."task.record-distributed"]\nenabled = false\n')
    profile = load(str(path))
    assert profile.rules["review.second"].offset == Offset(4, "months")  # england's is 3 months
    assert load("england").rules["review.second"].offset == Offset(3, "months")
    assert "task.record-distributed" not in profile.rules
