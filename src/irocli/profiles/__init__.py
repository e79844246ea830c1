"""Rule profiles: TOML data files an authority can copy and edit. Re-exports only.

schema.py holds the typed values (Profile, Rule, Ladder, CpSettings, Policies, KpiSettings);
loader.py reads a profile, merges what it `extends` and checks every key once (BadInput "file: key").
"""

from irocli.profiles.loader import files, load, merged_rules, rule_origins
from irocli.profiles.schema import (
    CONFERENCES,
    LAPSES,
    OWNERS,
    RULE_TYPES,
    SHIPPED,
    STAGE_ORDER,
    TASK_ROLLS,
    WINDOWS,
    CpSettings,
    KpiGroup,
    KpiSettings,
    Ladder,
    Plan,
    Policies,
    Policy,
    Profile,
    Rule,
    Stage,
    Trigger,
)

__all__ = [
    "CONFERENCES", "LAPSES", "OWNERS", "RULE_TYPES", "SHIPPED", "STAGE_ORDER", "TASK_ROLLS", "WINDOWS",
    "CpSettings", "KpiGroup", "KpiSettings", "Ladder", "Plan", "Policies", "Policy", "Profile", "Rule", "Stage",
    "Trigger",
    "files", "load", "merged_rules", "rule_origins",
]
