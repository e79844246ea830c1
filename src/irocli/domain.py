"""The plain values every layer shares: children, events, obligations. Imports only the stdlib."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import NamedTuple

from irocli.errors import BadInput


class Status(StrEnum):
    """Where an obligation stands on the as-of date (CONTRACT.md's `status` field)."""

    DUE = "due"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met-late"
    # a task before a review that was held without it: history only, never in the due list
    MISSED = "missed"

    @property
    def is_open(self) -> bool:
        """True while something is still to be done (due or overdue)."""
        return self is Status.DUE or self is Status.OVERDUE  # identity: called for every obligation read


# Event kinds irocli understands. Profiles name these as anchors and completing events; a kind
# that no rule of the active profile uses is still recorded and shown in the timeline.
EVENT_KINDS: dict[str, str] = {
    # episodes and the review schedule (RULES §1)
    "entered-care": "Became looked after (starts an episode)",
    "left-care": "Ceased to be looked after (ends the episode)",
    "review-held": "Looked-after review held",
    "review-booked": "Review booked for this date",
    "review-adjourned": "Review adjourned (dated the day it was scheduled for)",
    "review-authorised": "Review booked outside timescale authorised (note: by whom)",
    "review-directed": "IRO directs a review by this date",
    # the narrower early-review triggers the regulations name (RULES §1), not any change
    "change-proposed": "A change that needs a review first (REG reg 33(3): placement found unsafe on a visit, "
                       "significant change to the care plan, ending s20 accommodation where no parent will "
                       "then accommodate, ending s21(2)(b)/(c) accommodation; reg 17(d) placing with a parent; "
                       "reg 14 ending a placement): a review is required before this date",
    "placement-change": "Placement move / change of carer",
    "placement-order": "Placement order made",
    "placed-for-adoption": "Placed for adoption",
    "adoption-order": "Adoption order made (ends the episode)",
    "long-term-foster": "Designated long-term foster placement",
    "s19-consent": "Parents consented to placement for adoption (ACA 2002 s19): authority to place",
    "short-breaks-started": "A pre-planned series of short breaks began (REG reg 48; starts an episode)",
    "history-known-from": "History before this day is unknown (an imported return's window opened)",
    # tasks around each review (RULES §2)
    "child-consulted": "Social worker consulted the child about the review",
    "sw-iro-discussion": "Social worker and IRO agreed review arrangements",
    "invitations-sent": "Review invitations sent",
    "iro-contact": "IRO spoke to the child before the review",
    "iro-visit": "IRO visited the child",
    "iro-contact-declined": "Recorded exception: the child declined to speak to the IRO in private, "
                            "or the IRO judged it inappropriate",
    "visit-recorded": "IRO visit recorded as a case note",
    "sw-documents": "Social worker's report and plan sent to the IRO",
    "iro-preparation": "IRO preparation recorded",
    "decisions-circulated": "Review decisions recorded and circulated",
    "tm-response": "Team manager responded to the decisions",
    "full-record": "Full written record of the review completed",
    "record-distributed": "Review record sent to the child and attendees",
    "care-plan-updated": "Care plan updated after the review",
    "monitoring-form": "Review monitoring form completed",
    "progress-review": "IRO progress (midway) review",
    # milestones (RULES §3)
    "notified": "Becoming looked after notified to the IRO service",
    "iro-allocated": "IRO allocated",
    "post-18-allocation": "IRO Service Manager authorised the IRO to go on after the 18th birthday, until this "
                          "date (002: exceptional, time-limited)",
    "pep": "Personal Education Plan completed (the initial PEP; a later one also counts as a termly review)",
    "care-plan": "Care plan prepared",
    "permanence-plan": "Permanence plan in place",
    "twin-track": "Parallel (twin-track) plan in place",
    "pathway-assessment": "Pathway needs assessment completed",
    "staying-put-considered": "Staying Put considered",
    # between reviews: what the IRO monitors (RULES §7)
    "sw-visit": "Social worker visited the child in the placement (REG reg 28: statutory visit)",
    "health-assessment": "Health assessment (REG reg 7): the first in an episode of care is the initial one, "
                         "each later one a review",
    "sdq": "Strengths and Difficulties Questionnaire completed (health and wellbeing guidance 2015; ages 4 to 16)",
    "placement-plan": "Placement plan prepared (REG reg 9: before the placement, else within 5 working days)",
    "iro-notified": "IRO told of a placement (REG reg 13: before it, or within 5 working days in an emergency) "
                    "or of its end (REG reg 14); one notice of a move on its day tells of both",
    "missing-episode": "Child returned from a missing episode, dated the day of return (DfE missing children "
                       "guidance 2014)",
    "return-interview": "Independent return interview held after a missing episode (DfE missing children "
                        "guidance 2014)",
    "sw-visit-not-seen": "Social worker called but did not see the child: recorded, not a statutory visit "
                         "(REG reg 28 visits are to the child)",
    "health-assessment-declined": "Recorded exception: the child, of sufficient age and understanding, declined "
                                  "the health assessment (REG reg 7 [confirm]); it stands for the assessment due",
    # a placement's own visiting regime (RULES §7), dated on or after the placement's start, within it
    "placed-with-parent": "Placed with a parent before the assessment is complete (REG reg 19): weekly visits "
                          "until the first review",
    "temporary-approval": "Placed with a connected person under temporary approval (REG reg 24): 16 weeks; "
                          "weekly visits until the first review",
    "approval-extended": "Temporary approval of a connected person extended, once, by up to 8 weeks (REG reg 25; "
                         "the IRO told)",
    "foster-approved": "Connected person approved as a foster carer (ends the temporary approval, REG reg 24)",
    "ico-at-home": "Interim care order made with the child living at home (REG reg 28(4)): weekly visits until "
                   "the first review",
    "care-order-at-home": "Care order made with the child living with a parent (REG reg 28(5)): a visit within a "
                          "week, then 6-weekly",
    "long-term-visits-agreed": "The child agreed to 6-monthly visits in a long-term foster placement of at least "
                               "a year (REG reg 28 as amended 2015)",
    "remand": "Remanded to local authority accommodation or youth detention accommodation (REG Part 8A): "
              "starts a placement",
    "dpp": "Detention placement plan prepared (REG Part 8A, in place of the placement plan)",
    # education, secure accommodation, core groups (RULES §7)
    "pep-started": "Personal Education Plan started (DfE PEP guidance 2018: within 10 working days of becoming "
                   "looked after)",
    "pep-review": "Personal Education Plan reviewed (DfE PEP guidance 2018: each school term)",
    "secure-placement": "Placed in secure accommodation (CA 1989 s25): panel reviews run from this day",
    "secure-review": "Secure accommodation placement reviewed by the panel (Children (Secure Accommodation) "
                     "Regulations 1991 reg 15)",
    "secure-ended": "The child left secure accommodation (ends the secure placement's reviews)",
    "core-group": "Child protection core group met (Working Together: the first within 10 working days of "
                  "the ICPC)",
    # imports (issue 3): the case system's own view, kept to compare
    "system-review-due": "The case system's own next review due date (from an extract)",
    "tracking-started": "Tasks tracked from this day (history before it was imported without them)",
    # dispute resolution (RULES §5); details carry the escalation id, stage, reason and texts
    "escalation-opened": "Escalation opened (informal or a formal stage)",
    "escalation-response": "Response received at the current escalation stage",
    "escalation-escalated": "Escalation moved to a later stage",
    "escalation-meeting": "Escalation meeting held (actions to be recorded)",
    "escalation-actions": "Actions from the escalation meeting recorded",
    "escalation-resolved": "Escalation resolved with an outcome",
    "escalation-cafcass": "Referred to Cafcass",
    "praise": "Good practice recorded (never an escalation)",
    # child protection (RULES §4)
    "strategy-discussion": "Strategy discussion held",
    "icpc-held": "Initial child protection conference held (a plan starts)",
    "rcpc-held": "Review child protection conference held",
    "cp-plan-ended": "Child protection plan ended",
    "no-icpc": "The enquiry ended without an initial conference (closes cp.icpc)",
    "cp-plan-follow-up": "Chair followed up the plan's progress",
    "icpc-requested": "ICPC convening form completed and sent",
    "conference-date-confirmed": "Conference date and chair confirmed",
    "conference-invite-list": "Invite list and updates received from the social worker",
    "conference-invite-follow-up": "Invite list followed up",
    "conference-invitations-sent": "Conference invitations sent",
    "quoracy-checked": "Responses checked for quoracy",
    "conference-inquorate": "Conference went ahead inquorate",
    "inquorate-report": "Report on an inquorate conference submitted",
}

# Child-protection work can begin before a child is born (a pre-birth conference); no other event
# precedes the child's date of birth, and `irocli db check` reports any that does.
PRE_BIRTH_KINDS = frozenset({
    "strategy-discussion", "icpc-held", "rcpc-held", "cp-plan-ended", "no-icpc", "cp-plan-follow-up",
    "icpc-requested", "conference-date-confirmed", "conference-invite-list", "conference-invite-follow-up",
    "conference-invitations-sent", "quoracy-checked", "conference-inquorate", "inquorate-report",
    "core-group",  # a pre-birth plan has its core group before the birth
})

# Kinds that end an episode of care (CA 1989 s22: the child ceases to be looked after; an adoption
# order ends it too). The engine's walk, the KPI's days looked after and the SSDA903 reader share it.
EPISODE_END_KINDS = frozenset({"left-care", "adoption-order"})
# A child remanded to local authority or youth detention accommodation is looked after (LASPO 2012
# s104(1) [confirm]): a remand with no episode open starts one, as entered-care would (REG Part 8A).
REMAND_KINDS = frozenset({"remand"})

# Kinds dated on a future day by their nature (the day booked for, the day a review is required
# by). The engine places them by the day they were recorded (Event.known_on) when known.
FORWARD_KINDS = frozenset({"review-booked", "review-directed", "change-proposed", "post-18-allocation"})
# Marks an import places that may lie after the day it is read as of (a short-break-only child's
# history is unknown to the day after its return's window): the engine reads them whatever as-of.
WINDOW_KINDS = frozenset({"history-known-from"})


# Case systems fill an unknown date of birth with this day: it is stored as unknown (None).
PLACEHOLDER_DOB = dt.date(1900, 1, 1)


def is_placeholder_dob(day: dt.date | None) -> bool:
    """True for the case systems' stand-in for an unknown date of birth (1900-01-01)."""
    return day == PLACEHOLDER_DOB


# A child's id as typed on the command line (`child add`): what case systems use (C001, 123456,
# LCS-00012, 2024/15.3), short enough for every table. Imports keep the case system's own ids.
CHILD_ID_TEXT = "1 to 40 letters, digits, '.', '_', '/' or '-', starting with a letter or digit"
_CHILD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")


def check_child_id(text: str, *, field_name: str = "ID") -> str:
    """The id, or BadInput naming the field and the pattern (CHILD_ID_TEXT)."""
    if not _CHILD_ID.fullmatch(text):
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise BadInput(f"{field_name} {shown!r} is not a child id (expected {CHILD_ID_TEXT})")
    return text


NAME_LIMIT = 200  # characters: a name longer than this squashes every table it appears in


def name_problem(value: str, limit: int = NAME_LIMIT) -> str | None:
    """Why ``value`` cannot be a person's or team's name, never quoting it, or None: a line break or
    another control character (it would split every table, CSV row and e-mail line) or more than
    ``limit`` characters once cleaned. The command line and every importer apply this one rule."""
    import unicodedata

    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        return "holds a line break or another control character (a name is one line of text)"
    cleaned = clean_name(value) or ""
    if len(cleaned) > limit:
        return f"is {len(cleaned):,} characters long (at most {limit})"
    return None


def check_name(value: str, *, field_name: str, limit: int = NAME_LIMIT) -> str:
    """A name as typed on the command line: cleaned (clean_name), not empty, no name_problem. The
    value is never quoted back: a child's name is personal."""
    problem = name_problem(value, limit)
    if problem is not None:
        raise BadInput(f"{field_name} {problem}")
    cleaned = clean_name(value)
    if not cleaned:
        raise BadInput(f"{field_name} is empty")
    return cleaned


def clean_name(value: str | None) -> str | None:
    """A person's or team's name as stored: outer spaces gone, inner runs of whitespace one space;
    None when nothing is left."""
    if value is None:
        return None
    return " ".join(value.split()) or None


def name_key(value: str) -> str:
    """What two names must share to match as people type them: cleaned and case-folded
    (``casefold``, not ``lower``: "STRASSE" and "straße" match, as Unicode says they should)."""
    return (clean_name(value) or "").casefold()


# Kinds an import may date ahead besides the bookings: the case system's own next due date, and the
# window marks (a short-break-only child's history is unknown to the day after its return's year).
AHEAD_IN_IMPORTS = frozenset({"system-review-due"}) | WINDOW_KINDS


def date_fault(kind: str, day: dt.date, as_of: dt.date, dob: dt.date | None, *,
               ahead: frozenset[str] = FORWARD_KINDS) -> str | None:
    """"after" when ``day`` is after ``as_of`` and the kind is not dated in the future by nature
    (``ahead``); "before-birth" when it is before the child's birth and not child-protection work,
    which can start pre-birth (CONTRACT "Children and events"); else None. Entry and every importer
    apply this one rule and word it for their own reader."""
    if day > as_of and kind not in ahead:
        return "after"
    if dob is not None and day < dob and kind not in PRE_BIRTH_KINDS:
        return "before-birth"
    return None


def check_event_date(kind: str, day: dt.date, *, as_of: dt.date, dob: dt.date | None, child_id: str) -> None:
    """BadInput when ``day`` cannot be right for ``kind`` (:func:`date_fault`). The message names the
    child by id only: never its birth date."""
    fault = date_fault(kind, day, as_of, dob)
    if fault == "after":
        raise BadInput(f"{kind} on {day} for {child_id} is after {as_of}: only a booking "
                       f"({', '.join(sorted(FORWARD_KINDS))}) may be dated in the future")
    if fault == "before-birth":
        raise BadInput(f"{kind} on {day} for {child_id} is before the child's date of birth: "
                       f"only child-protection work may start before birth")


def fourth_birthday(dob: dt.date) -> dt.date:
    """The day a child born on ``dob`` turns 4 (29 February's child on 1 March in a common year, as the law
    counts a birthday: Family Law Reform Act 1969 s9)."""
    try:
        return dob.replace(year=dob.year + 4)
    except ValueError:
        return dt.date(dob.year + 4, 3, 1)


def check_participation(details: dict | None, day: dt.date, *, dob: dt.date | None, child_id: str) -> None:
    """BadInput when a held review's participation code cannot be right for the child's age on ``day``: PN0 is a
    child under 4, PN1-PN7 a child of 4 or over (DfE SSDA903 guide; validator rule 167). Names the child by id
    only, never its age or birth date; nothing to check without a code or a date of birth."""
    code = (details or {}).get("participation")
    if code is None or dob is None:
        return
    under_4 = day < fourth_birthday(dob)
    if code == "PN0" and not under_4:
        raise BadInput(f"participation PN0 is for a child under 4: {child_id} was 4 or over on {day}")
    if code != "PN0" and under_4:
        raise BadInput(f"participation {code} is for a child of 4 or over: {child_id} was under 4 on {day} (PN0)")


def earlier_adjournment(events: list[Event], event_id: int) -> Event | None:
    """For the review-adjourned event ``event_id`` among a child's non-voided ``events``, the
    adjournment of the same review before it (no review held in between), if any."""
    ordered = sorted(events, key=lambda e: (e.date, e.id if e.id is not None else 0))
    previous: Event | None = None
    for event in ordered:
        if event.id == event_id:
            return previous if event.kind == "review-adjourned" else None
        if event.kind == "review-held":
            previous = None
        elif event.kind == "review-adjourned":
            previous = event if previous is None else previous
    return None


def parse_kind(text: str, *, where: str | None = None) -> str:
    """The event kind named by ``text`` (case and surrounding space ignored), one of EVENT_KINDS.

    Raises BadInput (with the closest kind as a hint) for a kind irocli does not know.
    """
    kind = text.strip().lower()
    if kind not in EVENT_KINDS:
        from irocli._suggest import did_you_mean

        shown = text if len(text) <= 40 else text[:40] + "…"
        hint = did_you_mean(kind, EVENT_KINDS, "{}")
        raise BadInput(f"unknown event kind {shown!r} (see 'irocli event kinds'){hint}", where=where)
    return kind


class Detail(NamedTuple):
    """One structured fact an event of some kind may carry (`event add --detail NAME=VALUE`): the values it
    may take and what it records, with its source. A detail whose values are not a short list (a time of
    day) has none and a ``parse`` instead: the value as stored, or None when it is not one (``form`` says
    what it must be)."""

    values: tuple[str, ...]
    meaning: str
    parse: Callable[[str], str | None] | None = None
    form: str = ""
    name: bool = False  # free text: a person's name (clean_name, name_problem), ``values`` empty

    @property
    def shown(self) -> str:
        """The values as a person reads them: "yes|no|refused", "0 to 40" for a run of whole numbers, "a name",
        or the form a parsed value takes."""
        if self.name:
            return "a name"
        if self.parse is not None:
            return self.form
        if all(v.isdigit() for v in self.values):
            return f"{self.values[0]} to {self.values[-1]}"
        return "|".join(self.values)


# SSDA903 placement type codes (PLACE), every year's list (DfE "Children looked after return: guide
# to the SSDA903 collection", placement codes; DfE validator rule 146): the one list, used by the
# `placement` detail and the SSDA903 importer. Upper case, as the return writes them.
PLACEMENT_TYPES = ("A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
                   "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1", "Z11", "Z12",
                   "Z13", "Z14")
_PLACEMENT = Detail(PLACEMENT_TYPES,
                    "the placement type, as the SSDA903 return codes it (PLACE: U1-U6 fostered, K1 secure "
                    "children's home, K2 children's home, P1 with parent(s), A3-A6 placed for adoption, T0-T4 "
                    "temporary, …; DfE SSDA903 guide)")

def meeting_time(text: str) -> str | None:
    """A meeting's time of day as stored: "HH:MM" (24-hour clock) or "HH:MM-HH:MM" with the end after the
    start, zero-padded ("9:30" is "09:30"); None when ``text`` is neither."""
    parts = text.strip().split("-")
    if len(parts) > 2:
        return None
    times = []
    for part in parts:
        found = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", part.strip(), flags=re.ASCII)
        if found is None or int(found[1]) > 23 or int(found[2]) > 59:
            return None
        times.append(f"{int(found[1]):02d}:{found[2]}")
    if len(times) == 2 and times[1] <= times[0]:
        return None
    return "-".join(times)


MEETING_TIME = Detail((), "the meeting's time of day (UK local time), and its end if known: `irocli calendar` shows "
                          "the booked review as a timed event (an hour long when no end is given), all-day without",
                      parse=meeting_time, form="HH:MM or HH:MM-HH:MM (24-hour clock, the end after the start)")


# SSDA903 REVIEW_CODE: how the child took part in a review (DfE validator rule 167 lists the codes; the
# meanings are the DfE SSDA903 guide's, as /work/shared/SSDA903.md §1.3 restates them). The one list: the
# `participation` detail of review-held, the SSDA903 importer and `report kpi` use it.
PARTICIPATION: dict[str, str] = {
    "PN0": "child aged under 4 at the time of the review",
    "PN1": "attends and speaks for self",
    "PN2": "attends; an advocate or the IRO speaks for them",
    "PN3": "attends and conveys views non-verbally (symbolically)",
    "PN4": "attends but makes no contribution",
    "PN5": "does not attend; briefs an advocate or the IRO",
    "PN6": "does not attend; views conveyed by other media (written, phone, text, audio/video, an app)",
    "PN7": "does not attend and views not conveyed",
}
PARTICIPATION_CODES = tuple(PARTICIPATION)
# The codes of a child aged 4 or over who took part: attended (PN1-PN4) or had their views conveyed
# (PN5, PN6). PN7 alone is a child of 4 or over who did neither; PN0 (under 4) is in neither count.
PARTICIPATED = PARTICIPATION_CODES[1:7]

# The details each kind may carry beyond its date and note. Shown by `event kinds`, stored in
# Event.details, listed by `event list` and `child show`. None changes a date: they are the record.
EVENT_DETAILS: dict[str, dict[str, Detail]] = {
    "sw-visit": {
        "seen-alone": Detail(("yes", "no", "refused", "inappropriate", "unable"),
                             "the child seen alone, or not (no reason recorded, as imports say), or why not: a "
                             "child of sufficient age and understanding refused, the social worker judged it "
                             "inappropriate, or was unable (REG reg 29 [confirm])"),
    },
    "sdq": {
        "score": Detail(tuple(str(n) for n in range(41)),
                        "the total difficulties score, 0 to 40 (health and wellbeing guidance 2015)"),
    },
    "review-held": {
        "participation": Detail(PARTICIPATION_CODES, "how the child took part in the review, as the SSDA903 return "
                                "codes it (REVIEW_CODE): " + "; ".join(f"{c} {m}" for c, m in PARTICIPATION.items())
                                + " (DfE SSDA903 guide; validator rule 167)"),
    },
    "entered-care": {"placement": _PLACEMENT},
    "placement-change": {"placement": _PLACEMENT},
    "review-booked": {"time": MEETING_TIME},
    # the allocation history: each iro-allocated event names the IRO allocated from its date (the child's IRO is
    # the latest's); an event recorded before names were structured says it in its note only (migration 0006)
    "iro-allocated": {"iro": Detail((), "the IRO allocated to the child from that day (the child's IRO is the "
                                        "latest allocation's: `irocli iro list`)", name=True),
                      "from": Detail((), "the IRO the child had before (`caseload transfer` records it)", name=True)},
}


def parse_details(kind: str, given: list[str], *, where: str | None = None) -> dict[str, str] | None:
    """The details ``given`` as NAME=VALUE texts for an event of ``kind``, as a dict (None when none).

    Raises BadInput naming the detail when the kind carries no such detail, a value is not one of its
    values (with the closest as a hint), or a detail is given twice."""
    if not given:
        return None
    allowed = EVENT_DETAILS.get(kind, {})
    found: dict[str, str] = {}
    for text in given:
        name, sep, value = text.partition("=")
        name = name.strip().lower()
        value = value if name in allowed and allowed[name].name else value.strip().lower()
        if not sep or not name:
            raise BadInput(f"--detail {text!r} is not NAME=VALUE (e.g. seen-alone=yes)", where=where)
        if name in found:
            raise BadInput(f"--detail {name} is given twice", where=where)
        found[name] = _checked(kind, allowed, name, value, "--detail ", where)
    return found


# Bookkeeping an import writes beside the declared details, which the engine reads: care that began on
# or before an event's date (engine/episodes.py). A file may carry it back (`import native`).
IMPORT_FLAGS: dict[str, tuple[str, ...]] = {"started": ("on-or-before",)}


def check_details(kind: str, details: dict | None, *, where: str | None = None) -> dict | None:
    """A details dict read from a file for an event of ``kind``, checked as `--detail` is: for a kind
    that declares details (EVENT_DETAILS) each name is one of them (or an import's flag, IMPORT_FLAGS)
    and each value one of its values, stored as written ("u1" is U1). Other kinds' details (an
    escalation's stage, say) pass unchecked. Raises BadInput naming the detail."""
    allowed = EVENT_DETAILS.get(kind)
    if not details or not allowed:
        return details
    checked: dict = {}
    for name, value in details.items():
        if name in IMPORT_FLAGS and value in IMPORT_FLAGS[name]:
            checked[name] = value
            continue
        if name in allowed and allowed[name].name:
            text = value if isinstance(value, str) else repr(value)
        else:
            text = value.strip().lower() if isinstance(value, str) else repr(value)
        checked[name] = _checked(kind, allowed, name, text, "", where)
    return checked


def detail_option(kind: str, option: str, name: str, value: str | None, details: dict | None) -> dict | None:
    """``details`` with detail ``name`` set from a command-line ``option`` of its own (``--participation PN1``
    is ``--detail participation=PN1``); ``details`` as they are when ``value`` is None. Raises BadInput
    naming the option when ``kind`` carries no such detail (naming the kinds that do), the value is not
    one of its values (with the closest as a hint), or ``--detail`` gave it too."""
    if value is None:
        return details
    if name not in EVENT_DETAILS.get(kind, {}):
        kinds = ", ".join(k for k, carried in EVENT_DETAILS.items() if name in carried)
        raise BadInput(f"{option} is for {kinds} events only, not {kind}")
    if details and name in details:
        raise BadInput(f"{option} and --detail {name} both given: give one")
    given = value if EVENT_DETAILS[kind][name].name else value.strip().lower()
    return {**(details or {}), name: _checked(kind, EVENT_DETAILS[kind], name, given, "", None,
                                              shown=f"{option} {value.strip()}")}


def _checked(kind: str, allowed: dict[str, Detail], name: str, value: str, prefix: str, where: str | None,
             shown: str | None = None) -> str:
    """``value`` (lower case) of detail ``name`` as stored; BadInput if the kind has no such detail or
    the value is not one of its values (with the closest as a hint), naming it ``shown`` (default
    ``{prefix}{name}={value}``). A name detail (``Detail.name``) is stored clean (clean_name); BadInput when it
    is empty or has a name_problem (never quoted back)."""
    if name not in allowed:
        known = ", ".join(allowed) if allowed else "none"
        raise BadInput(f"{prefix}{name}: {kind} events carry no such detail (their details: {known})", where=where)
    detail = allowed[name]
    if detail.name:
        problem = name_problem(value)
        cleaned = clean_name(value)
        if problem is not None or not cleaned:
            raise BadInput(f"{prefix}{name} {problem or 'is empty'}", where=where)
        return cleaned
    if detail.parse is not None:
        parsed = detail.parse(value)
        if parsed is None:
            raise BadInput(f"{shown or f'{prefix}{name}={value}'}: not {detail.form}", where=where)
        return parsed
    value = _as_written(allowed[name].values, value)
    if value not in allowed[name].values:
        from irocli._suggest import did_you_mean

        numbers = all(v.isdigit() for v in allowed[name].values)  # "41" is not a misspelt "4"
        # a code list is suggested as it is written (pn9 is PN0's neighbour, not "pn0"'s)
        upper = all(v == v.upper() for v in allowed[name].values)
        hint = "" if numbers else did_you_mean(value.upper() if upper else value, allowed[name].values, "{}")
        raise BadInput(f"{shown or f'{prefix}{name}={value}'}: not one of "
                       f"{allowed[name].shown.replace('|', ', ')}{hint}", where=where)
    return value


def _as_written(values: tuple[str, ...], value: str) -> str:
    """``value`` (lower case) as ``values`` write it: a code list in upper case (SSDA903's U1) takes "u1"."""
    return next((v for v in values if v.lower() == value), value)


ALLOCATION_KIND = "iro-allocated"
# How an allocation recorded before 0006 named its IRO: in its note only ("IRO named on the child: A. Khan").
ALLOCATION_NOTE = "IRO named on the child: "


def allocated_iro(kind: str, details: dict | None, note: str | None = None) -> str | None:
    """The IRO an `iro-allocated` event allocates, cleaned (clean_name): its details' ``iro``, else (an event
    of a file written before names were structured) the name in a note of the form ALLOCATION_NOTE + NAME;
    None for any other kind, or an allocation that names no one."""
    if kind != ALLOCATION_KIND:
        return None
    name = (details or {}).get("iro")
    if not name and note and note.startswith(ALLOCATION_NOTE):
        name = note[len(ALLOCATION_NOTE):]
    return clean_name(name) if isinstance(name, str) else None


def history_of(allocations) -> list[tuple[dt.date, int, str]]:
    """A child's allocation history from its non-voided `iro-allocated` events given as (date, event id, details,
    note): (date, event id, IRO) for each that names an IRO (allocated_iro), oldest first (by date, then id).
    When the first names the IRO before it (details ``from``: a transfer records it), that IRO leads the history
    from dt.date.min (event id 0): who had the child before any allocation named one."""
    found = sorted((day, event_id or 0, iro) for day, event_id, details, note in allocations
                   if (iro := allocated_iro(ALLOCATION_KIND, details, note)) is not None)
    if found:
        first = next(d for day, event_id, d, _ in allocations
                     if (day, event_id or 0) == found[0][:2])
        before = clean_name((first or {}).get("from")) if isinstance((first or {}).get("from"), str) else None
        if before:
            found.insert(0, (dt.date.min, 0, before))
    return found


def allocation_history(events) -> list[tuple[dt.date, int, str]]:
    """history_of a child's non-voided ``events`` (domain Events; the others are left out)."""
    return history_of([(e.date, e.id, e.details, e.note) for e in events if e.kind == ALLOCATION_KIND])


def allocation_periods(history: list[tuple[dt.date, int, str]]) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """Who reviewed the child from which day to which: (IRO, first day, last day) from an allocation ``history``
    (history_of), one period per change of IRO (the same IRO allocated again continues a period); the first day
    None when the history begins with the IRO before any allocation named one, the last day None for the
    current one (the day before the next allocation otherwise)."""
    periods: list[list] = []
    for day, _id, iro in history:
        start = None if day == dt.date.min else day
        if periods and start is not None and periods[-1][1] == start:
            periods.pop()  # two allocations on one day: the later one is the day's (a period of no days is none)
        if periods and name_key(periods[-1][0]) == name_key(iro):
            periods[-1][2] = None
            continue
        if periods:
            periods[-1][2] = day - dt.timedelta(days=1) if start is not None else None
        periods.append([iro, start, None])
    return [tuple(p) for p in periods]


def iro_on(named: str | None, history: list[tuple[dt.date, int, str]], day: dt.date) -> str | None:
    """The IRO allocated to a child on ``day``: the latest of its allocation ``history`` ((date, event id, IRO),
    oldest first, history_of) dated on or before the day; before the first, the first's (an allocation recorded
    when the IRO was named, `child add --iro`, is dated that day: the IRO had the child before). A child whose
    history names no IRO (an import that carried none) has the IRO named on it (``named``), whatever the day."""
    if not history:
        return named
    allocated = [iro for when, _id, iro in history if when <= day]
    return allocated[-1] if allocated else history[0][2]


def details_text(kind: str, details: dict | None) -> str:
    """The details of EVENT_DETAILS that an event of ``kind`` carries, as "name=value; …" ("" if none):
    other kinds' bookkeeping (an escalation's stage, an import's flags) is shown by its own views."""
    allowed = EVENT_DETAILS.get(kind)
    if not details or not allowed:
        return ""
    return "; ".join(f"{k}={details[k]}" for k in allowed if k in details)


# The dates irocli accepts anywhere (command line, every importer): a child's whole time in care,
# with the arithmetic after it (an 18th birthday, the next review) far from Python's year 9999.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
DATE_RANGE_TEXT = f"a date from {EARLIEST_DATE} to {LATEST_DATE}"


def in_date_range(day: dt.date) -> bool:
    """True when ``day`` lies from EARLIEST_DATE to LATEST_DATE, both included."""
    return EARLIEST_DATE <= day <= LATEST_DATE


def parse_date(text: str, *, where: str | None = None, field_name: str = "date", personal: bool = False) -> dt.date:
    """An ISO YYYY-MM-DD date from EARLIEST_DATE to LATEST_DATE, or BadInput naming the field; the
    text is quoted back unless it is ``personal`` (a date of birth: an error message may end up in a
    cron mail or a log)."""
    shown = field_name if personal else f"{field_name} {text[:40]!r}" if isinstance(text, str) else field_name
    try:
        if len(text) != 10 or not text.isascii():
            raise ValueError
        day = dt.date.fromisoformat(text)
    except (ValueError, TypeError):
        raise BadInput(f"{shown} is not a date (expected YYYY-MM-DD)", where=where) from None
    if not in_date_range(day):
        raise BadInput(f"{shown} is out of range (expected {DATE_RANGE_TEXT})", where=where)
    return day


@dataclass(frozen=True, slots=True)
class Child:
    """A looked-after child as irocli knows them: the case system's id, name, date of birth and
    who is allocated (IRO, social worker, team). Only the id and initials leave irocli by e-mail."""

    id: str
    name: str
    dob: dt.date | None = None
    iro: str | None = None
    social_worker: str | None = None
    team: str | None = None

    @property
    def initials(self) -> str:
        """Upper-case first letters of the name's alphabetic words: "Amy o'Brien" → "AO"."""
        return "".join(part[0].upper() for part in self.name.split() if part[:1].isalpha())


@dataclass(slots=True)
class Event:
    """One recorded fact about a child. The engine sees only events that are not voided.

    Treated as read-only; not frozen because a national recompute builds a million of these and a
    frozen dataclass's __init__ costs five times as much (bench/bench_recompute.py).
    """

    kind: str
    date: dt.date
    id: int | None = None
    child_id: str | None = None
    meeting: bool = True
    note: str | None = None
    # the day it was recorded, for kinds dated in the future (a booking, a direction): before its
    # date it is known from this day. None when unknown (e.g. imported history).
    known_on: dt.date | None = None
    # structured facts some kinds carry (an escalation's stage and reason, say); never hashed
    details: dict | None = field(default=None, compare=False)


LAPSED = "no response by the due date: deemed agreed"  # what a lapsed obligation's arithmetic begins with


@dataclass(frozen=True, slots=True)
class Derivation:
    """Why an obligation falls due when it does: the anchor, the rule's offset, the arithmetic."""

    anchor_kind: str
    anchor_date: dt.date
    offset: str  # the rule's offset as a person reads it, e.g. "20 working days before"
    arithmetic: str  # e.g. "2024-12-20 + 20 working days = 2025-01-22"


@dataclass(slots=True)
class Obligation:
    """One deadline for one child. Built in bulk by the engine, so the derivation is lazy."""

    child_id: str
    rule: str  # rule id from the profile, e.g. "review.second"
    title: str
    source: str
    due: dt.date
    status: Status
    anchor_kind: str
    anchor_date: dt.date
    offset: object = None  # engine.calendar.Offset; None when basis says how the date was found
    met_on: dt.date | None = None
    basis: str | None = None  # extra arithmetic, e.g. how the review date R was chosen
    owner: str = "iro"  # who must act on it (profile data, RULES §6 "who acts")
    # its place in its sequence, never a date: stable when a review is booked or rebooked, e.g.
    # "ep1.r2" (episode 1, second review), "ep1.r2.after" ; None where the rule has no sequence
    cycle: str | None = None
    rolled_from: dt.date | None = None  # the closed day a calendar-day task fell on (RULES §6)
    # not shown before this day (an age milestone a year ahead, a school term once it begins): None = always
    shown_from: dt.date | None = None
    # deemed met once its due date has passed with nothing done (a rule with lapse = "deemed-met")
    lapses: bool = False
    # the derivation as the obligation table stored it (its offset and arithmetic as text); None: work it out
    stored: Derivation | None = None

    def settle(self, as_of: dt.date, history: bool = True) -> bool:
        """See this obligation from ``as_of`` (in place): False when it is not shown then (its shown_from is
        later, or it lapsed into met and ``history`` is off). An open one is overdue once its due date has
        passed, else due; one whose rule lapses (RULES §6, `lapse = "deemed-met"`) is met on its due date once
        that has passed with nothing done. The engine's derive and the obligation table's readers both end
        here, so a stored obligation and a live one are seen alike."""
        if self.shown_from is not None and self.shown_from > as_of:
            return False
        if self.lapses and self.due < as_of:
            if not history:
                return False
            self.status, self.met_on, self.lapses = Status.MET, self.due, False
            if self.stored is not None:
                self.stored = replace(self.stored, arithmetic=f"{LAPSED}; {self.stored.arithmetic}")
            else:
                self.basis = LAPSED
            return True
        if self.status.is_open:
            self.status = Status.OVERDUE if self.due < as_of else Status.DUE
        return True

    def days(self, as_of: dt.date) -> int:
        """Calendar days from ``as_of`` to the due date (negative when overdue)."""
        return (self.due - as_of).days

    @property
    def days_late(self) -> int | None:
        """Calendar days between the due date and a late completion; None when on time or open."""
        return (self.met_on - self.due).days if self.met_on and self.met_on > self.due else None

    @property
    def derivation(self) -> Derivation:
        """The anchor, offset and arithmetic `explain` prints, worked out when asked for."""
        if self.stored is not None:
            return self.stored
        off = self.offset
        landed = self.rolled_from or self.due
        if off is None:
            step, offset_text = f"due {landed.isoformat()}", ""
        else:
            offset_text = str(off)
            step = off.describe(self.anchor_date, landed)  # engine.calendar.Offset: the one formatter
        if self.rolled_from is not None:  # RULES §6: a calendar-day task moved off a closed day
            later = self.due > self.rolled_from
            step += (f", not a working day: moved {'on' if later else 'back'} to the "
                     f"{'next' if later else 'previous'} working day {self.due.isoformat()}")
        said = self.basis and off is None and self.rolled_from is None and (
            self.basis.endswith(landed.isoformat()) or f"due {landed.isoformat()}" in self.basis)
        if said:  # it already gives the due date: "… = 2025-03-10" or "(review.second due 2025-03-10)"
            arithmetic = self.basis  # not "…; due 2025-03-10" again
        else:
            arithmetic = f"{self.basis}; {step}" if self.basis else step
        return Derivation(self.anchor_kind, self.anchor_date, offset_text, arithmetic)


@dataclass(frozen=True, slots=True)
class Flag:
    """Something the IRO must see that has no due date (a refused second adjournment, say)."""

    rule: str
    date: dt.date
    message: str


@dataclass(slots=True)
class Outcome:
    """Everything the engine derives for one child."""

    child_id: str
    obligations: list[Obligation] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    # the first as-of day these obligations no longer answer for (a school term not yet derived): None = none
    valid_until: dt.date | None = None

    def open(self) -> list[Obligation]:
        """The obligations still due or overdue."""
        return [o for o in self.obligations if o.status.is_open]
