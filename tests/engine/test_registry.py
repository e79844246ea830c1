"""The engine's rule registry and the profiles agree: every rule `type` has the one function that applies it."""

from __future__ import annotations

import pytest

from irocli import profiles
from irocli.engine import RULE_TYPES, applies


def shipped_rule_types() -> dict[str, set[str]]:
    """Each rule type used by a shipped profile, with the profiles that use it."""
    used: dict[str, set[str]] = {}
    for name in profiles.SHIPPED:
        for rule in profiles.load(name).rules.values():
            used.setdefault(rule.type, set()).add(name)
    return used


def test_the_shipped_profiles_are_the_five_known():
    assert set(profiles.SHIPPED) == {"england", "blackpool", "dudley", "knowsley", "cpru"}


@pytest.mark.parametrize("rule_type", sorted(shipped_rule_types()))
def test_every_rule_type_a_shipped_profile_uses_has_a_registered_function(rule_type):
    assert rule_type in RULE_TYPES, f"no engine function applies type {rule_type!r}"
    assert RULE_TYPES[rule_type].__module__.startswith("irocli.engine.")


@pytest.mark.parametrize("rule_type", sorted(RULE_TYPES))
def test_every_registered_function_applies_a_type_the_profiles_know(rule_type):
    assert rule_type in profiles.RULE_TYPES or rule_type in shipped_rule_types()


def test_the_registry_and_the_loader_schema_are_the_same_set():
    assert set(RULE_TYPES) == set(profiles.RULE_TYPES)


@pytest.mark.parametrize(("rule_type", "module", "function"), [
    ("review", "irocli.engine.reviews", "review_obligations"),
    ("before-review", "irocli.engine.tasks", "before_review"),
    ("after-event", "irocli.engine.tasks", "after_event"),
    ("age", "irocli.engine.milestones", "age"),
    ("placement-order-check", "irocli.engine.milestones", "placement_order_checks"),
    ("conference-review", "irocli.engine.conferences", "review_conferences"),
    ("escalation", "irocli.engine.escalations", "escalation_obligations"),
    ("visit-regime", "irocli.engine.monitoring", "visit_regime"),
    ("regime-expiry", "irocli.engine.monitoring", "regime_expiry"),
    ("placement-end", "irocli.engine.monitoring", "placement_end"),
], ids=lambda v: v if isinstance(v, str) and "." not in v and "_" not in v else "")
def test_a_rule_type_names_the_function_that_applies_it(rule_type, module, function):
    fn = RULE_TYPES[rule_type]
    assert (fn.__module__, fn.__name__) == (module, function)


def test_a_type_can_be_applied_by_one_function_only():
    with pytest.raises(ValueError, match="'age' is already applied by age"):
        applies("age")(lambda run, rules: None)
    assert RULE_TYPES["age"].__module__ == "irocli.engine.milestones"


def test_every_rule_id_of_every_shipped_profile_has_a_test():
    """Each rule id appears, quoted, in some test file (its hand-checked table): a rule added to a
    profile without a test fails here (issue 14 found ms.twin-track and task.monitoring-form)."""
    from pathlib import Path

    from irocli.profiles import SHIPPED, load

    tests = Path(__file__).resolve().parents[1]
    text = "\n".join(p.read_text() for p in tests.rglob("test_*.py") if p.name != "test_registry.py")
    untested = sorted((name, rule_id) for name in SHIPPED for rule_id in load(name).rules if f'"{rule_id}"' not in text)
    assert untested == []
