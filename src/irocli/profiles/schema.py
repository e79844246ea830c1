"""The typed shape of a profile: what each section holds once the loader (loader.py) has checked it.

Values only: no file reading, no validation messages. Imports the engine's calendar (Offset,
Calendar) and nothing that touches a database, the CLI or rendering.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from irocli.domain import EPISODE_END_KINDS
from irocli.engine.calendar import Calendar, Offset
from irocli.engine.education import SchoolTerms
from irocli.engine.escalations import STAGE_ORDER

SHIPPED = ("england", "blackpool", "dudley", "knowsley", "cpru")

# What each rule type means is engine code; which rules exist, their numbers, ids, titles and
# sources are data. Keys each type accepts (besides title, source, type, enabled, owner):
RULE_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    "review": {"required": ("offset",), "optional": ()},
    # event: one kind or a list; once: only the first of them in an episode raises it
    "requirement": {"required": ("event", "offset"), "optional": ("once", "unless")},
    "adjournment": {"required": ("offset",), "optional": ()},
    "authorisation": {"required": ("completed_by",), "optional": ()},
    "before-review": {"required": ("offset", "completed_by"), "optional": ("first_offset",)},
    "after-review": {"required": ("offset", "completed_by"), "optional": ()},
    "after-event": {"required": ("event", "offset", "completed_by"), "optional": ("lapse", "closed_by")},
    "midpoint": {"required": ("completed_by",), "optional": ()},
    # when = "held": judged against the day the review is held (else its booked or due date),
    # and completed by a completing event dated any time before it
    "at-review": {"required": ("position", "completed_by"), "optional": ("when",)},
    "age": {"required": ("age", "offset", "completed_by"), "optional": ("eligible_after",)},
    "first-review-after-age": {"required": ("age", "completed_by"), "optional": ()},
    "placement-order-check": {"required": ("event", "offset"), "optional": ()},
    "meeting-interval": {"required": ("event", "offset"), "optional": ()},
    "icpc": {"required": ("offset",), "optional": ()},
    "conference-review": {"required": ("offset",), "optional": ()},
    "before-conference": {"required": ("conference", "offset", "completed_by"), "optional": ("window",)},
    # dates from the [escalation] ladder's stages; esc.cap, esc.safeguarding (and esc.response's
    # default for a stage that names no time) carry their own offset
    "escalation": {"required": (), "optional": ("offset",)},
    # between reviews (RULES §7): event = the kinds that start a placement; due offset after each
    # start (full-time care only, REG reg 48), met by a completing event before the next placement;
    # window = "before-start": one dated before the start also meets it (e.g. the placement plan, REG reg 9)
    # yields_to: visit-regime rule ids; a placement whose regime is in force from its start owes this
    # rule nothing (the regime's own first visit replaces it)
    "placement-start": {"required": ("event", "offset", "completed_by"), "optional": ("window", "yields_to")},
    # offset after each completing event in a placement (full-time care only); after long_term_after
    # from the placement's start, long_term_offset where a long_term_event marks it long-term;
    # yields_to: visit-regime rule ids whose regime, in force on a visit's day, counts from that visit instead
    "visit-interval": {"required": ("event", "offset", "completed_by"),
                       "optional": ("long_term_after", "long_term_offset", "long_term_event", "yields_to")},
    # a placement's own visiting regime (REG reg 28(3)-(5), AAR reg 36(4)), in force from the first
    # `regime` event dated in the placement (no sooner than regime_after from its start): a visit within
    # first_offset of it; then until_review_offset between visits while the next falls due on or before
    # the first review held after it, else offset (none: nothing derived, e.g. as the review decides)
    "visit-regime": {"required": ("event", "regime", "completed_by"),
                     "optional": ("first_offset", "until_review_offset", "offset", "regime_after")},
    # a time-limited approval marked by a `regime` event in a placement (REG reg 24-25): it ends offset
    # after it, or `extension` later where an extended_by event is dated on or before that; met by a
    # completing event in the placement
    "regime-expiry": {"required": ("event", "regime", "offset", "completed_by"),
                      "optional": ("extension", "extended_by")},
    # the day each placement ends (the next placement's start, or the episode's end) + offset; met by a
    # completing event in the placement dated after the one that met the `follows` rule (its start's)
    "placement-end": {"required": ("event", "offset", "completed_by"), "optional": ("follows",)},
    # offset after the start of each episode of full-time care, met by the first completing event in it
    # (or by one up to `lookback` before the start: an assessment made before the child came into care)
    "episode-start": {"required": ("offset", "completed_by"), "optional": ("lookback",)},
    # after each completing event in an episode: offset if that falls before the birthday of age, else
    # offset_after_age
    "assessment-interval": {"required": ("offset", "age", "offset_after_age", "completed_by"),
                            "optional": ("lookback",)},
    # at least every offset while aged from age to before until_age (from the later of the episode's
    # start and that birthday, then from each completing event)
    "age-band-interval": {"required": ("age", "until_age", "offset", "completed_by"), "optional": ()},
    # education (engine/education.py): offset from the start of each episode of full-time care that begins
    # while the child is of school age (the school years after the birthday of age, to the one in which
    # until_age falls, by [terms]), met by the first completing event in the episode
    "school-age-start": {"required": ("offset", "completed_by", "age", "until_age"), "optional": ()},
    # one each school term of [terms] that begins while the child is looked after and of school age: due
    # the term's last day + offset (default 0 days), met by a completing event in the term
    "term-review": {"required": ("completed_by", "age", "until_age"), "optional": ("offset",)},
    # a stay from each `event` to the first closed_by kind after it (engine/secure.py): the first
    # completing event due first_offset after the start, then offset after each one held
    "stay-interval": {"required": ("event", "first_offset", "offset", "completed_by", "closed_by"),
                      "optional": ()},
}
CONFERENCES = ("icpc", "rcpc")
WINDOWS = ("on-the-day", "before-start")
# the windows each type may name (before-conference: on the day; placement-start: before the start too)
WINDOWS_BY_TYPE = {"before-conference": ("on-the-day",), "placement-start": ("before-start",)}
# Who acts (RULES §2 "who", §6): CONTRACT's owners; a profile may name its own (a lower-case slug).
OWNERS = ("iro", "social-worker", "team-manager", "business-support", "local-authority")
TASK_ROLLS = ("working-day", "none")
LAPSES = ("deemed-met",)
ICPC_ANCHORS = ("first", "last")


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a profile (`[rules."<id>"]`): what is due, when, who acts, and why.

    Offsets are calendar or working days as written ("20 working days", "-14 days", "3 months").
    `source` is the regulation or seed procedure `explain` cites.
    """

    id: str
    type: str
    title: str
    source: str
    offset: Offset | None = None
    first_offset: Offset | None = None
    event: str | None = None
    completed_by: tuple[str, ...] = ()
    position: int | None = None
    age: Offset | None = None
    eligible_after: Offset | None = None
    lapse: str | None = None
    conference: str | None = None
    window: str | None = None
    closed_by: tuple[str, ...] = ()  # events after which an undone task is missed, not overdue
    events: tuple[str, ...] = ()  # a requirement's raising kinds (event, or each of a list)
    once: bool = False
    unless: str | None = None
    when: str | None = None
    long_term_after: Offset | None = None  # visit-interval: the placement's first year ("1 year")
    long_term_offset: Offset | None = None  # visit-interval: the interval after it, if long-term
    long_term_event: str | None = None  # visit-interval: the kind marking a placement long-term
    offset_after_age: Offset | None = None  # assessment-interval: the interval from the birthday of `age`
    until_age: Offset | None = None  # age-band-interval: the age the band ends at (not included); school-age-*: the
    # birthday whose school year is the last covered
    lookback: Offset | None = None  # episode-start: a completing event this long before the start also meets it
    regime: tuple[str, ...] = ()  # visit-regime, regime-expiry: the kinds marking a placement's regime
    regime_after: Offset | None = None  # visit-regime: in force no sooner than this after the placement's start
    until_review_offset: Offset | None = None  # visit-regime: between visits until the first review
    extension: Offset | None = None  # regime-expiry: how much longer once extended
    extended_by: tuple[str, ...] = ()  # regime-expiry: the kinds that extend it (once)
    yields_to: tuple[str, ...] = ()  # placement-start, visit-interval: visit-regime rule ids taking precedence
    follows: str | None = None  # placement-end: the placement-start rule whose completing event comes first
    roll: bool = True  # false: a calendar-day date stays on a closed day whatever [policies] says (72 hours)
    owner: str = "iro"  # who must act on it: one of OWNERS or the profile's own slug


@dataclass(frozen=True, slots=True)
class Trigger:
    """An event kind that restarts the review sequence from its own first step (RULES §1.2 step 3),
    unless an `unless` kind was seen earlier in the episode."""

    event: str
    sequence: tuple[str, ...]
    unless: str | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What the engine looks up for every child, worked out once per profile."""

    requirement_by_event: dict[str, Rule]  # each raising kind of each requirement rule
    adjournment: Rule | None
    authorisation: Rule | None
    structural: frozenset[str]  # the kinds the review walk must see; the rest it skips


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of an escalation ladder (`[escalation.stages.<key>]`, RULES §5).

    `response` is the time the responder has, counted from the day the stage starts (None: the
    IRO agrees it when opening, or the stage sets none, e.g. a Cafcass referral). `source` is the
    stage's own citation; "" when the profile gives none (the esc.* rule's source is cited then).
    """

    key: str  # "informal", "1" .. "4"
    title: str
    responder: str
    response: Offset | None
    source: str
    meeting_actions: Offset | None = None  # actions from a meeting at this stage recorded within this


@dataclass(frozen=True, slots=True)
class Ladder:
    """A profile's dispute-resolution ladder: its stages in STAGE_ORDER and the ladder's own source.

    The ladder-wide time limits are the offsets of the esc.* rules (esc.cap, esc.safeguarding;
    esc.response's offset is the response time of an informal stage that names none).
    """

    stages: dict[str, Stage]
    source: str
    default: bool  # a documented default, not the authority's own ladder
    default_response: Offset | None = None  # esc.response's offset

    def next_after(self, stage: str) -> str | None:
        """The next stage on this ladder after `stage` (one of STAGE_ORDER), or None at the last."""
        later = [s for s in STAGE_ORDER[STAGE_ORDER.index(stage) + 1:] if s in self.stages]
        return later[0] if later else None


@dataclass(frozen=True, slots=True)
class CpSettings:
    """`[cp]`: child protection conferences (RULES §4). `icpc_anchor`: which strategy discussion of an
    enquiry anchors the ICPC ("first" or "last"); `sequence`: the conference-review rules in order,
    the last repeating."""

    icpc_anchor: str = "first"
    sequence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    """A named set of event kinds or rule types the engine consults, with the source that sets it."""

    values: frozenset[str]
    source: str

    def __contains__(self, item: object) -> bool:
        return item in self.values


@dataclass(frozen=True)
class Policies:
    """`[policies]`: choices that were once code, each citing its source (STYLE.md).

    meeting_interval_ends: event kinds that end a meeting-interval rule's run (RULES §1.1);
    untracked_types: rule types a `tracking-started` event silences before its date (RULES §6);
    roll_back / roll_on: rule types whose calendar-day dates move off a closed day to the previous /
    next working day when `task_roll = "working-day"` (RULES §6).
    """

    meeting_interval_ends: Policy
    untracked_types: Policy
    roll_back: Policy
    roll_on: Policy

    @cached_property
    def rolled(self) -> frozenset[str]:
        """Every rule type whose calendar-day dates move off a closed day."""
        return self.roll_back.values | self.roll_on.values


@dataclass(frozen=True, slots=True)
class KpiGroup:
    """One `[kpi.groups.NAME]`: a timeliness figure of the KPI report ("visits in time").

    Counts the obligations of every rule whose id starts with one of `prefixes` (plain string
    prefixes: "ms.pep" takes ms.pep, ms.pep-start and ms.pep-review), under `title`, citing `source`.
    """

    name: str
    title: str
    prefixes: tuple[str, ...]
    source: str

    def takes(self, rule_id: str) -> bool:
        """Whether a rule's obligations count in this figure (its id starts with one of the prefixes)."""
        return rule_id.startswith(self.prefixes)


# The figures inspectors ask for (issue 15), in the report's order. A profile's [kpi.groups.NAME]
# replaces one of these by name (prefixes = [] drops it) or adds its own after them.
DEFAULT_KPI_GROUPS: tuple[KpiGroup, ...] = (
    KpiGroup("visits", "Social worker visits (statutory)", ("visit.",), "REG reg 28; RULES §7"),
    # the SDQ is a questionnaire the carer fills in, not a health assessment, and the SSDA903 reports it
    # apart (OC2): its own figure
    KpiGroup("health-assessments", "Health assessments (initial, review)", ("health.iha", "health.rha"),
             "REG reg 7; health and wellbeing guidance 2015; RULES §7"),
    KpiGroup("sdq", "SDQs", ("health.sdq",),
             "health and wellbeing guidance 2015; RULES §7"),
    KpiGroup("peps", "Personal Education Plans", ("ms.pep",),
             "DfE PEP guidance 2018 [confirm]; RULES §7"),
    KpiGroup("iro-notified", "IRO told of placements and their ends", ("notify.",), "REG regs 13-14; RULES §7"),
)


@dataclass(frozen=True, slots=True)
class KpiSettings:
    """`[kpi]`: the management report's thresholds, each with its source.

    min_days_looked_after: calendar days a child must be looked after in the period to count in the
    per-child measure; caseload_band: (low, high) children per full-time IRO; groups: the timeliness
    figures (KpiGroup), each a set of rule id prefixes with its source.
    """

    min_days_looked_after: int
    min_days_source: str
    caseload_band: tuple[int, int]
    caseload_source: str
    groups: tuple[KpiGroup, ...] = DEFAULT_KPI_GROUPS


# What a profile that does not extend england (and sets no [policies] / [kpi]) gets: the values
# england.toml states with their sources.
DEFAULT_POLICIES = Policies(
    meeting_interval_ends=Policy(frozenset({"placement-change", "left-care", "adoption-order"}),
                                 "RULES §1.1 (irocli default)"),
    untracked_types=Policy(frozenset({"before-review", "after-review", "after-event", "midpoint", "at-review",
                                      "age", "first-review-after-age", "authorisation", "before-conference",
                                      "placement-start", "visit-interval", "episode-start",
                                      "assessment-interval", "age-band-interval", "visit-regime",
                                      "regime-expiry", "placement-end", "school-age-start",
                                      "term-review", "stay-interval"}),
                           "RULES §6 (irocli default)"),
    roll_back=Policy(frozenset({"before-review", "before-conference"}), "RULES §6 (irocli default)"),
    roll_on=Policy(frozenset({"after-review", "after-event", "midpoint"}), "RULES §6 (irocli default)"),
)
DEFAULT_KPI = KpiSettings(28, "RULES §0 (irocli default)", (50, 70), "IRO Handbook (2010) para 7.15")


@dataclass(frozen=True)
class Profile:
    """A loaded, checked and merged profile: every section typed (see loader.load)."""

    name: str
    title: str
    origin: str  # the file(s) it came from, for messages
    sequence: tuple[str, ...]
    triggers: dict[str, Trigger]
    rules: dict[str, Rule]
    closures: tuple[dt.date, ...] = ()
    leap_birthday: str = "feb-28"
    task_roll: bool = True  # calendar-day tasks move off closed days (RULES §6)
    # a series of short breaks (REG reg 48): its own review sequence, the last step repeating
    short_break_sequence: tuple[str, ...] = ()
    cp: CpSettings = field(default_factory=CpSettings)
    escalation: Ladder | None = None  # None: the profile has no ladder
    policies: Policies = DEFAULT_POLICIES
    kpi: KpiSettings = DEFAULT_KPI
    terms: SchoolTerms = field(default_factory=SchoolTerms)  # [terms]: the school terms (ms.pep-review)
    # which file each merged key came from: ("rules", "review.second", "offset") -> "blackpool.toml"
    origins: dict[tuple[str, ...], str] = field(default_factory=dict, compare=False, repr=False)
    # SHA-256 of the bytes of the files it was read from (loader.load): the obligation table's fingerprint
    digest: str = field(default="", compare=False, repr=False)

    @cached_property
    def calendar(self) -> Calendar:
        """England and Wales working days less this profile's closures."""
        return Calendar(self.closures)

    @cached_property
    def plan(self) -> Plan:
        """What the engine looks up for every child, worked out once per profile."""
        requirement = {kind: r for r in self.of_type("requirement") for kind in r.events}
        structural = {"entered-care", "short-breaks-started", "history-known-from", *EPISODE_END_KINDS,
                      "review-held", "review-adjourned", "review-booked", *requirement, *self.triggers}
        structural |= {t.unless for t in self.triggers.values() if t.unless}
        structural |= {r.unless for r in self.of_type("requirement") if r.unless}
        return Plan(requirement, next(iter(self.of_type("adjournment")), None),
                    next(iter(self.of_type("authorisation")), None), frozenset(structural))

    @cached_property
    def rules_by_type(self) -> dict[str, list[Rule]]:
        """The enabled rules grouped by type, each list in file order."""
        by: dict[str, list[Rule]] = {}
        for rule in self.rules.values():
            by.setdefault(rule.type, []).append(rule)
        return by

    def of_type(self, rtype: str) -> list[Rule]:
        """The profile's rules of one type, in file order (looked up once per profile)."""
        return self.rules_by_type.get(rtype, [])
