"""The pure deadline engine: (events, profile, as-of date) in, obligations out. Re-exports only.

No I/O, no SQL, no Typer, no Rich. RULES.md §1.2 is the reading followed: episodes of care
(episodes.py), a review sequence chained from the date each review was actually held, and the
rule families applied through one registry keyed by the profile's rule `type` (registry.py):
reviews.py, tasks.py, milestones.py, conferences.py, escalations.py; derive.py runs them.
"""

from irocli.engine.derive import derive
from irocli.engine.episodes import EPISODE_STARTS
from irocli.engine.registry import RULE_TYPES, applies
from irocli.engine.reviews import REVIEW_TYPES

__all__ = ["EPISODE_STARTS", "REVIEW_TYPES", "RULE_TYPES", "applies", "derive"]
