"""Rule profiles: TOML data files an authority can copy and edit, loaded and validated here.

A profile names the review sequence, the triggers that restart it and every rule with its id,
title, source and offset. `extends` merges another profile underneath, value by value. Any error
is a BadInput naming the file and the key. Imports no database, CLI or rendering code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from irocli._suggest import did_you_mean
from irocli.engine.calendar import Calendar, Offset
from irocli.errors import BadInput

SHIPPED = ("england", "blackpool", "dudley", "knowsley", "cpru")
_HERE = Path(__file__).parent

# What each rule type means is engine code; which rules exist, their numbers, ids, titles and
# sources are data. Keys each type accepts (besides title, source, type, enabled):
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
    "escalation": {"required": (), "optional": ()},  # dates from the [escalation] ladder
}
CONFERENCES = ("icpc", "rcpc")
WINDOWS = ("on-the-day",)
_COMMON = ("type", "title", "source", "enabled", "owner")
# Who acts (RULES §2 "who", §6): CONTRACT's owners; a profile may name its own (a lower-case slug).
OWNERS = ("iro", "social-worker", "team-manager", "business-support", "local-authority")
_TOP = ("extends", "name", "title", "closures", "leap_birthday", "task_roll", "reviews", "triggers", "rules",
        "escalation", "cp")
TASK_ROLLS = ("working-day", "none")
LAPSES = ("deemed-met",)
_AS_REPR = "'{}'"  # a suggestion quoted as the message quotes the value (repr)


@dataclass(frozen=True, slots=True)
class Rule:
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
    owner: str = "iro"  # who must act on it: one of OWNERS or the profile's own slug


@dataclass(frozen=True, slots=True)
class Trigger:
    event: str
    sequence: tuple[str, ...]
    unless: str | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    requirement_by_event: dict[str, Rule]  # each raising kind of each requirement rule
    adjournment: Rule | None
    authorisation: Rule | None
    structural: frozenset[str]  # the kinds the review walk must see; the rest it skips


@dataclass(frozen=True)
class Profile:
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
    extra: dict[str, Any] = field(default_factory=dict)  # sections later issues read
    # which file each merged key came from: ("rules", "review.second", "offset") -> "blackpool.toml"
    origins: dict[tuple[str, ...], str] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def calendar(self) -> Calendar:
        return Calendar(self.closures)

    @cached_property
    def plan(self) -> Plan:
        """What the engine looks up for every child, worked out once per profile."""
        requirement = {kind: r for r in self.of_type("requirement") for kind in r.events}
        structural = {"entered-care", "short-breaks-started", "history-known-from", "left-care",
                      "adoption-order", "review-held", "review-adjourned", "review-booked", *requirement,
                      *self.triggers}
        structural |= {t.unless for t in self.triggers.values() if t.unless}
        structural |= {r.unless for r in self.of_type("requirement") if r.unless}
        return Plan(requirement, next(iter(self.of_type("adjournment")), None),
                    next(iter(self.of_type("authorisation")), None), frozenset(structural))

    @cached_property
    def rules_by_type(self) -> dict[str, list[Rule]]:
        by: dict[str, list[Rule]] = {}
        for rule in self.rules.values():
            by.setdefault(rule.type, []).append(rule)
        return by

    def of_type(self, rtype: str) -> list[Rule]:
        """The profile's rules of one type, in file order (looked up once per profile)."""
        return self.rules_by_type.get(rtype, [])


def load(name_or_path: str) -> Profile:
    """A shipped profile by name, or a user's profile file by path."""
    path = _locate(name_or_path)
    origins: dict[tuple[str, ...], str] = {}
    data = _merged(path, seen=(), origins=origins)
    return _build(data, str(path), origins)


def files(name_or_path: str) -> list[str]:
    """The files a profile is read from, itself first, then what it extends, as origins name them."""
    path, chain = _locate(name_or_path), []
    while path is not None and len(chain) < 20:
        chain.append(_file_name(path))
        base = _read(path).get("extends")
        path = _base_path(path, base) if isinstance(base, str) else None
    return chain


def merged_rules(name_or_path: str) -> dict[str, dict[str, tuple[Any, str]]]:
    """Every rule of a profile merged, in file order, disabled ones too: for each rule id, each key
    with its value and the file that set it ({"review.second": {"offset": ("91 days", "blackpool.toml"),
    "type": ("review", "england.toml"), …}}). The profile is loaded and checked first (BadInput)."""
    path = _locate(name_or_path)
    origins: dict[tuple[str, ...], str] = {}
    data = _merged(path, seen=(), origins=origins)
    _build(data, str(path), origins)
    return {rule_id: {key: (value, origins[("rules", rule_id, key)]) for key, value in raw.items()}
            for rule_id, raw in data.get("rules", {}).items()}


def rule_origins(name_or_path: str, rule_id: str) -> dict[str, tuple[Any, str]]:
    """One merged rule's keys, each with its value and the file it came from (merged_rules); a rule
    id the profile does not have is a BadInput naming the closest one."""
    rules = merged_rules(name_or_path)
    if rule_id not in rules:
        raise BadInput(f"profile {name_or_path} has no rule {rule_id!r}{did_you_mean(rule_id, rules, _AS_REPR)}")
    return rules[rule_id]


def _file_name(path: Path) -> str:
    """A shipped file by its name (england.toml), any other by the path it was given as."""
    return path.name if path.parent == _HERE and path.stem in SHIPPED else str(path)


def _base_path(path: Path, base_name: str) -> Path:
    return _locate(base_name) if base_name in SHIPPED else (path.parent / base_name)


def _leaves(data: dict[str, Any], file: str, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], str]:
    """Every key path of a file's data (down to non-table values) mapped to the file. An empty table
    sets nothing (_deep_merge keeps the base's values under it), so it has no path."""
    out: dict[tuple[str, ...], str] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_leaves(value, file, (*prefix, key)))
        else:
            out[(*prefix, key)] = file
    return out


def _locate(name_or_path: str) -> Path:
    if name_or_path in SHIPPED:
        return _HERE / f"{name_or_path}.toml"
    shown = name_or_path if len(name_or_path) <= 40 else name_or_path[:40] + "…"
    if not name_or_path.strip() or not name_or_path.isprintable():
        raise BadInput(f"unknown profile {shown!r} (shipped: {', '.join(SHIPPED)}; or a .toml path)"
                   f"{did_you_mean(name_or_path.lower(), SHIPPED, '{}')}")
    path = Path(name_or_path).expanduser()
    try:
        exists = path.exists()
        if path.suffix == ".toml" or exists or "/" in name_or_path:
            if not path.is_file():
                raise BadInput(f"profile file {shown} not found")
            return path
    except OSError as error:
        raise BadInput(f"profile {shown!r}: {error.strerror}") from None
    raise BadInput(f"unknown profile {shown!r} (shipped: {', '.join(SHIPPED)}; or a .toml path)"
                   f"{did_you_mean(name_or_path.lower(), SHIPPED, '{}')}")


def _read(path: Path) -> dict[str, Any]:
    import tomllib

    from irocli._toml import load_toml

    try:
        return load_toml(path)  # a profile saved in Notepad starts with a BOM
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"not valid TOML ({exc})", where=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read profile ({exc.__class__.__name__})", where=str(path)) from None


def _merged(path: Path, seen: tuple[Path, ...], origins: dict[tuple[str, ...], str]) -> dict[str, Any]:
    """The file's data over what it extends; ``origins`` gets the file each key path came from."""
    if path.resolve() in seen:
        raise BadInput("extends loops back to itself", where=f"{path}: extends")
    data = _read(path)
    base_name = data.pop("extends", None)
    if base_name is None:
        origins.update(_leaves(data, _file_name(path)))
        return data
    if not isinstance(base_name, str):
        raise BadInput("must be a profile name or path", where=f"{path}: extends")
    base_path = _base_path(path, base_name)
    if not base_path.is_file():
        raise BadInput(f"profile {base_name!r} not found", where=f"{path}: extends")
    base = _merged(base_path, seen + (path.resolve(),), origins)
    _check_overrides(data, base, base_name, path)
    # A profile introduces itself: its name and title are its own, never its parent's.
    data.setdefault("title", f"based on {base.get('name', base_path.stem)}")
    for key in [k for k in origins if k[0] in ("name", "title")]:
        del origins[key]
    inner = {k[:i] for k in origins for i in range(1, len(k))}  # key paths that are tables in the base
    for key, file in _leaves(data, _file_name(path)).items():
        # a value replaces the base's table under that key, a table the base's value (_deep_merge)
        if key in inner:
            for old in [k for k in origins if k[:len(key)] == key]:
                del origins[old]
        for above in (key[:i] for i in range(1, len(key))):
            origins.pop(above, None)
        origins[key] = file
    return _deep_merge({k: v for k, v in base.items() if k not in ("name", "title")}, data)


def _check_overrides(data: dict[str, Any], base: dict[str, Any], base_name: str, path: Path) -> None:
    """A rule table with no type changes the base's rule of that id, which must exist: a misspelt id
    would otherwise be a silent no-op (enabled = false disabling nothing) or a rule with no type."""
    over, known = data.get("rules"), base.get("rules")
    if not isinstance(over, dict) or not isinstance(known, dict):
        return
    for rule_id, raw in over.items():
        if rule_id not in known and isinstance(raw, dict) and "type" not in raw:
            raise BadInput(f'{base_name} has no rule "{rule_id}" to change (a new rule needs a type)'
                           f"{did_you_mean(rule_id, known)}", where=f"{path}: rules.{rule_id}")


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _build(data: dict[str, Any], origin: str, origins: dict[tuple[str, ...], str] | None = None) -> Profile:
    def where(key: str) -> str:
        return f"{origin}: {key}"

    for key in data:
        if key not in _TOP:
            raise BadInput(f"unknown key{did_you_mean(key, _TOP)}", where=where(key))
    name = _str(data.get("name", Path(origin).stem), where("name"))
    closures = tuple(_date(v, where("closures")) for v in _list(data.get("closures", []), where("closures")))
    leap = data.get("leap_birthday", "feb-28")
    if leap not in ("feb-28", "mar-01"):
        raise BadInput("must be 'feb-28' or 'mar-01'", where=where("leap_birthday"))

    for section in ("reviews", "triggers", "rules", "cp", "escalation"):
        if section in data and not isinstance(data[section], dict):
            raise BadInput("must be a table", where=where(section))
    rules: dict[str, Rule] = {}
    raw_rules = data.get("rules", {})
    if not isinstance(raw_rules, dict):
        raise BadInput("must be a table of rules", where=where("rules"))
    for rule_id, raw in raw_rules.items():
        rule = _rule(rule_id, raw, where)
        if rule is not None:
            rules[rule_id] = rule

    reviews = data.get("reviews", {})
    for k in reviews:
        if k not in ("sequence", "short_breaks"):
            raise BadInput(f"unknown key{did_you_mean(k, ('sequence', 'short_breaks'))}", where=where(f"reviews.{k}"))
    sequence = tuple(_list(reviews.get("sequence", []), where("reviews.sequence")))
    if not sequence:
        raise BadInput("must name at least one review rule", where=where("reviews.sequence"))
    _check_review_ids(sequence, rules, where("reviews.sequence"))
    short_breaks = tuple(_list(reviews.get("short_breaks", list(sequence)), where("reviews.short_breaks")))
    if not short_breaks:
        raise BadInput("must name at least one review rule", where=where("reviews.short_breaks"))
    _check_review_ids(short_breaks, rules, where("reviews.short_breaks"))
    task_roll = data.get("task_roll", "working-day")
    if task_roll not in TASK_ROLLS:
        raise BadInput(f"must be one of {', '.join(TASK_ROLLS)}", where=where("task_roll"))

    triggers: dict[str, Trigger] = {}
    for event, raw in data.get("triggers", {}).items():
        key = f"triggers.{event}"
        if not isinstance(raw, dict) or raw.get("enabled", True) is False:
            continue
        for k in raw:
            if k not in ("sequence", "unless", "enabled"):
                raise BadInput(f"unknown key{did_you_mean(k, ('sequence', 'unless', 'enabled'))}",
                               where=where(f"{key}.{k}"))
        seq = tuple(_list(raw.get("sequence", []), where(f"{key}.sequence")))
        if not seq:
            raise BadInput("must name at least one review rule", where=where(f"{key}.sequence"))
        _check_review_ids(seq, rules, where(f"{key}.sequence"))
        _kind(event, where(key))
        unless = raw.get("unless")
        if unless is not None:
            _kind(unless, where(f"{key}.unless"))
        triggers[event] = Trigger(event, seq, unless)

    cp = data.get("cp", {})
    if not isinstance(cp, dict):
        raise BadInput("must be a table", where=where("cp"))
    for k in cp:
        if k not in ("icpc_anchor", "sequence"):
            raise BadInput(f"unknown key{did_you_mean(k, ('icpc_anchor', 'sequence'))}", where=where(f"cp.{k}"))
    if cp.get("icpc_anchor", "first") not in ("first", "last"):
        raise BadInput("must be 'first' or 'last'", where=where("cp.icpc_anchor"))
    for rule_id in _list(cp.get("sequence", []), where("cp.sequence")):
        if rule_id not in rules or rules[rule_id].type != "conference-review":
            conferences = [r.id for r in rules.values() if r.type == "conference-review"]
            raise BadInput(f"{rule_id!r} is not a conference-review rule of this profile"
                           f"{did_you_mean(rule_id, conferences, _AS_REPR)}", where=where("cp.sequence"))
    extra = {k: data[k] for k in ("escalation", "cp") if k in data}
    profile = Profile(
        name=name,
        title=_str(data.get("title", name), where("title")),
        origin=origin,
        sequence=sequence,
        triggers=triggers,
        rules=rules,
        closures=closures,
        leap_birthday=leap,
        task_roll=task_roll == "working-day",
        short_break_sequence=short_breaks,
        extra=extra,
        origins=origins or {},
    )
    if "escalation" in extra:  # a bad ladder fails here, not when a report meets an escalation
        from irocli.engine.escalations import ladder

        ladder(profile)
    return profile


def _rule(rule_id: str, raw: Any, where) -> Rule | None:
    key = f"rules.{rule_id}"
    if not isinstance(raw, dict):
        raise BadInput("must be a table", where=where(key))
    if raw.get("enabled", True) is False:
        return None
    rtype = raw.get("type")
    if rtype not in RULE_TYPES:
        suggestion = did_you_mean(rtype, RULE_TYPES, _AS_REPR)
        raise BadInput(f"unknown rule type {rtype!r}{suggestion}" if suggestion
                       else f"type must be one of {', '.join(RULE_TYPES)}", where=where(f"{key}.type"))
    spec = RULE_TYPES[rtype]
    allowed = set(_COMMON) | set(spec["required"]) | set(spec["optional"])
    for k in raw:
        if k not in allowed:
            raise BadInput(f"unknown key for a {rtype} rule{did_you_mean(k, allowed)}", where=where(f"{key}.{k}"))
    for k in ("title", "source", *spec["required"]):
        if k not in raw:
            raise BadInput("missing", where=where(f"{key}.{k}"))

    def offset(k: str) -> Offset | None:
        if k not in raw:
            return None
        return Offset.parse(_str(raw[k], where(f"{key}.{k}")), where=where(f"{key}.{k}"))

    completed = tuple(_list(raw.get("completed_by", []), where(f"{key}.completed_by")))
    for kind in completed:
        _kind(kind, where(f"{key}.completed_by"))
    closed_by = tuple(_list(raw.get("closed_by", []), where(f"{key}.closed_by")))
    for kind in closed_by:
        _kind(kind, where(f"{key}.closed_by"))
    event = raw.get("event")
    events: tuple[str, ...] = ()
    if isinstance(event, list) and rtype == "requirement" and event:
        events = tuple(_kind(k, where(f"{key}.event")) for k in event)
        event = events[0]
    elif event is not None:
        events = (_kind(event, where(f"{key}.event")),)
    once = raw.get("once", False)
    if not isinstance(once, bool):
        raise BadInput("must be true or false", where=where(f"{key}.once"))
    unless = raw.get("unless")
    if unless is not None:
        _kind(unless, where(f"{key}.unless"))
    when = raw.get("when")
    if when is not None and when != "held":
        raise BadInput("must be 'held'", where=where(f"{key}.when"))
    position = raw.get("position")
    if position is not None and (not isinstance(position, int) or position < 1):
        raise BadInput("must be a whole number from 1", where=where(f"{key}.position"))
    lapse = raw.get("lapse")
    if lapse is not None and lapse not in LAPSES:
        raise BadInput(f"must be one of {', '.join(LAPSES)}", where=where(f"{key}.lapse"))
    conference = raw.get("conference")
    if conference is not None and conference not in CONFERENCES:
        raise BadInput(f"must be one of {', '.join(CONFERENCES)}", where=where(f"{key}.conference"))
    window = raw.get("window")
    if window is not None and window not in WINDOWS:
        raise BadInput(f"must be one of {', '.join(WINDOWS)}", where=where(f"{key}.window"))
    owner = raw.get("owner", "iro")
    if not isinstance(owner, str) or not re.fullmatch(r"[a-z][a-z0-9-]{0,39}", owner):
        raise BadInput(f"must be a lower-case name such as {', '.join(OWNERS)}", where=where(f"{key}.owner"))
    return Rule(
        id=rule_id,
        type=rtype,
        title=_str(raw["title"], where(f"{key}.title")),
        source=_str(raw["source"], where(f"{key}.source")),
        offset=offset("offset"),
        first_offset=offset("first_offset"),
        event=event,
        completed_by=completed,
        position=position,
        age=offset("age"),
        eligible_after=offset("eligible_after"),
        lapse=lapse,
        conference=conference,
        window=window,
        closed_by=closed_by,
        owner=owner,
        events=events,
        once=once,
        unless=unless,
        when=when,
    )


def _check_review_ids(ids: tuple[str, ...], rules: dict[str, Rule], where: str) -> None:
    for rule_id in ids:
        rule = rules.get(rule_id)
        if rule is None or rule.type != "review":
            reviews = [r.id for r in rules.values() if r.type == "review"]
            raise BadInput(f"{rule_id!r} is not a review rule of this profile"
                           f"{did_you_mean(rule_id, reviews, _AS_REPR)}", where=where)


def _kind(kind: Any, where: str) -> str:
    from irocli.domain import EVENT_KINDS

    if kind not in EVENT_KINDS:
        raise BadInput(f"unknown event kind {kind!r}{did_you_mean(kind, EVENT_KINDS, _AS_REPR)}", where=where)
    return kind


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput("must be a non-empty string", where=where)
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadInput("must be a list", where=where)
    return value


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BadInput(f"{value!r} is not a date (expected YYYY-MM-DD)", where=where) from None
