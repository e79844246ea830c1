"""Reading a profile: find the file, merge what it `extends` underneath, check every key once, build
the typed Profile (schema.py) and remember which file each key came from.

Any error is a BadInput naming the file and the key (with "did you mean"). Imports no database, CLI or
rendering code.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from irocli._suggest import did_you_mean
from irocli.engine.calendar import Offset
from irocli.engine.education import SchoolTerms, Term
from irocli.errors import BadInput
from irocli.profiles.schema import (
    CONFERENCES,
    DEFAULT_KPI,
    DEFAULT_KPI_GROUPS,
    DEFAULT_POLICIES,
    ICPC_ANCHORS,
    LAPSES,
    OWNERS,
    RULE_TYPES,
    SHIPPED,
    STAGE_ORDER,
    TASK_ROLLS,
    WINDOWS,
    WINDOWS_BY_TYPE,
    CpSettings,
    KpiGroup,
    KpiSettings,
    Ladder,
    Policies,
    Policy,
    Profile,
    Rule,
    Stage,
    Trigger,
)

_HERE = Path(__file__).parent
_COMMON = ("type", "title", "source", "enabled", "owner", "roll")
_TOP = ("extends", "name", "title", "closures", "leap_birthday", "task_roll", "reviews", "triggers", "rules",
        "escalation", "cp", "policies", "kpi", "terms")
_AS_REPR = "'{}'"  # a suggestion quoted as the message quotes the value (repr)


def load(name_or_path: str) -> Profile:
    """A shipped profile by name (SHIPPED) or a user's profile file by path, merged over what it
    `extends`, every section checked and typed once (schema.Profile). BadInput naming the file and
    the key of the first problem (with "did you mean" where a known name is close)."""
    path = _locate(name_or_path)
    origins: dict[tuple[str, ...], str] = {}
    read: list[Path] = []
    data = _merged(path, seen=(), origins=origins, read=read)
    profile = _build(data, str(path), origins)
    object.__setattr__(profile, "digest", _digest(read))  # frozen: set once, here
    return profile


def files(name_or_path: str) -> list[str]:
    """The files a profile is read from, itself first, then what it extends, as origins name them."""
    return [_file_name(path) for path in _chain(_locate(name_or_path))]


def _chain(path: Path) -> list[Path]:
    """The profile file and those it extends, itself first (load has checked the chain ends)."""
    chain: list[Path] = []
    while path is not None and len(chain) < 20:
        chain.append(path)
        base = _read(path).get("extends")
        path = _base_path(path, base) if isinstance(base, str) else None
    return chain


def _digest(files: list[Path]) -> str:
    """SHA-256 (hex) of the bytes of every file the profile was read from, in order: any edit changes it."""
    import hashlib

    sha = hashlib.sha256()
    for file in files:
        data = file.read_bytes()
        sha.update(f"{file.name}:{len(data)}:".encode())
        sha.update(data)
    return sha.hexdigest()


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
    """One merged rule's keys, each with its value and the file it came from (merged_rules). Not a
    rule id, it may name a setting outside the rules by its dotted path (``escalation.stages.1``,
    ``kpi``, ``policies``, ``cp``): every key under it, named from there. Anything else is a BadInput
    naming the closest rule id or setting."""
    rules = merged_rules(name_or_path)
    if rule_id in rules:
        return rules[rule_id]
    settings = _setting_leaves(name_or_path)
    prefix = tuple(rule_id.split("."))
    found = {".".join(path[len(prefix):]) or path[-1]: leaf for path, leaf in settings.items()
             if path[:len(prefix)] == prefix}
    if found:
        return found
    tables = {".".join(path[:n]) for path in settings for n in range(1, len(path))}
    known = [*rules, *sorted(tables)]
    raise BadInput(f"profile {name_or_path} has no rule {rule_id!r}{did_you_mean(rule_id, known, _AS_REPR)}")


def _setting_leaves(name_or_path: str) -> dict[tuple[str, ...], tuple[Any, str]]:
    """Every merged key path outside [rules] (settings and tables such as [escalation]) with its value
    and the file that set it."""
    path = _locate(name_or_path)
    origins: dict[tuple[str, ...], str] = {}
    data = _merged(path, seen=(), origins=origins)
    out: dict[tuple[str, ...], tuple[Any, str]] = {}

    def walk(node: dict[str, Any], prefix: tuple[str, ...]) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, (*prefix, key))
            elif (*prefix, key) in origins:
                out[(*prefix, key)] = (value, origins[(*prefix, key)])

    walk({k: v for k, v in data.items() if k != "rules"}, ())
    return out


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


def shipped_path(name: str) -> Path:
    """The file of the shipped profile ``name`` (one of SHIPPED)."""
    return _HERE / f"{name}.toml"


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


def _merged(path: Path, seen: tuple[Path, ...], origins: dict[tuple[str, ...], str],
            read: list[Path] | None = None) -> dict[str, Any]:
    """The file's data over what it extends; ``origins`` gets the file each key path came from, ``read`` (when
    given) each file read, itself first."""
    if path.resolve() in seen:
        raise BadInput("extends loops back to itself", where=f"{path}: extends")
    data = _read(path)
    if read is not None:
        read.append(path)
    base_name = data.pop("extends", None)
    if base_name is None:
        origins.update(_leaves(data, _file_name(path)))
        return data
    if not isinstance(base_name, str):
        raise BadInput("must be a profile name or path", where=f"{path}: extends")
    base_path = _base_path(path, base_name)
    if not base_path.is_file():
        raise BadInput(f"profile {base_name!r} not found", where=f"{path}: extends")
    base = _merged(base_path, seen + (path.resolve(),), origins, read)
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

    for section in ("reviews", "triggers", "rules", "cp", "escalation", "policies", "kpi", "terms"):
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

    _check_rule_links(rules, raw_rules, where)
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

    return Profile(
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
        cp=_cp(data.get("cp", {}), rules, where),
        # a bad ladder fails here, not when a report meets an escalation
        escalation=_ladder(data["escalation"], rules, where) if "escalation" in data else None,
        policies=_policies(data.get("policies", {}), where),
        kpi=_kpi(data.get("kpi", {}), where, origins or {}),
        terms=_terms(data["terms"], origin, origins or {}) if "terms" in data else SchoolTerms(),
        origins=origins or {},
    )


def _keys(raw: dict[str, Any], allowed: tuple[str, ...], where, key: str) -> None:
    """Every key of a table is one the schema knows (else BadInput with "did you mean")."""
    for k in raw:
        if k not in allowed:
            raise BadInput(f"unknown key{did_you_mean(k, allowed)}", where=where(f"{key}.{k}"))


def _cp(cp: Any, rules: dict[str, Rule], where) -> CpSettings:
    """`[cp]`: which strategy discussion anchors the ICPC and the conference-review sequence (RULES §4)."""
    _keys(cp, ("icpc_anchor", "sequence"), where, "cp")
    anchor = cp.get("icpc_anchor", "first")
    if anchor not in ICPC_ANCHORS:
        raise BadInput("must be 'first' or 'last'", where=where("cp.icpc_anchor"))
    sequence = tuple(_list(cp.get("sequence", []), where("cp.sequence")))
    for rule_id in sequence:
        if rule_id not in rules or rules[rule_id].type != "conference-review":
            conferences = [r.id for r in rules.values() if r.type == "conference-review"]
            raise BadInput(f"{rule_id!r} is not a conference-review rule of this profile"
                           f"{did_you_mean(rule_id, conferences, _AS_REPR)}", where=where("cp.sequence"))
    return CpSettings(anchor, sequence)


# Ladder-wide time limits that were once [escalation] keys: each is now its rule's own offset.
_MOVED = {"informal_default": "esc.response", "cap": "esc.cap", "safeguarding": "esc.safeguarding"}
_STAGE_KEYS = ("title", "responder", "response", "source", "meeting_actions")


def _ladder(raw: Any, rules: dict[str, Rule], where) -> Ladder:
    """`[escalation]`: the stages in STAGE_ORDER, each with its responder, response time and source
    (RULES §5). A stage's "agreed" or "none" response sets no time; an informal stage that names no
    response takes esc.response's offset."""
    if not isinstance(raw, dict) or not isinstance(raw.get("stages"), dict):
        raise BadInput("the profile has no escalation ladder", where=where("escalation"))
    for name in raw:
        if name in _MOVED:
            raise BadInput(f'moved: write it as offset in [rules."{_MOVED[name]}"]', where=where(f"escalation.{name}"))
        if name not in ("stages", "source", "default"):
            raise BadInput("unknown key", where=where(f"escalation.{name}"))

    def offset(value: Any, key: str) -> Offset | None:
        # "agreed": the IRO gives the timescale when opening; "none": this stage sets no time
        if value is None or value in ("agreed", "none"):
            return None
        return Offset.parse(str(value), where=where(f"escalation.{key}"))

    response = rules.get("esc.response")
    default_response = response.offset if response is not None else None
    stages = {}
    for key, st in raw["stages"].items():
        k = f"stages.{key}"
        if key not in STAGE_ORDER:
            raise BadInput(f"stage must be one of {', '.join(STAGE_ORDER)}", where=where(f"escalation.{k}"))
        if not isinstance(st, dict):
            raise BadInput("must be a table", where=where(f"escalation.{k}"))
        for name in st:
            if name not in _STAGE_KEYS:
                raise BadInput("unknown key", where=where(f"escalation.{k}.{name}"))
        given = offset(st.get("response"), f"{k}.response")
        if "response" not in st and key == "informal":
            given = default_response
        stages[key] = Stage(key, str(st.get("title", key)), str(st.get("responder", "")), given,
                            str(st.get("source", "")), offset(st.get("meeting_actions"), f"{k}.meeting_actions"))
    return Ladder(stages, str(raw.get("source", "")), bool(raw.get("default", False)), default_response)


_POLICIES = {  # key: (what each value must be, the Policies field)
    "meeting-interval-ends": ("event", "meeting_interval_ends"),
    "untracked-types": ("type", "untracked_types"),
    "roll-back-types": ("type", "roll_back"),
    "roll-on-types": ("type", "roll_on"),
}


def _policies(raw: Any, where) -> Policies:
    """`[policies.<name>]`: each a list of event kinds or rule types (`values`) and its `source`; a
    policy the profile does not name keeps irocli's default (DEFAULT_POLICIES)."""
    if not isinstance(raw, dict):
        raise BadInput("must be a table", where=where("policies"))
    _keys(raw, tuple(_POLICIES), where, "policies")
    found: dict[str, Policy] = {}
    for name, table in raw.items():
        key = f"policies.{name}"
        if not isinstance(table, dict):
            raise BadInput("must be a table", where=where(key))
        _keys(table, ("values", "source"), where, key)
        if "source" not in table:
            raise BadInput("missing", where=where(f"{key}.source"))
        what, attr = _POLICIES[name]
        values = _list(table.get("values", []), where(f"{key}.values"))
        for value in values:
            if what == "event":
                _kind(value, where(f"{key}.values"))
            elif value not in RULE_TYPES:
                raise BadInput(f"unknown rule type {value!r}{did_you_mean(value, RULE_TYPES, _AS_REPR)}",
                               where=where(f"{key}.values"))
        found[attr] = Policy(frozenset(values), _str(table["source"], where(f"{key}.source")))
    return Policies(**{attr: found.get(attr, getattr(DEFAULT_POLICIES, attr)) for _, attr in _POLICIES.values()})


def _kpi(raw: Any, where, origins: dict[tuple[str, ...], str]) -> KpiSettings:
    """`[kpi]`: the KPI report's minimum days looked after and caseload band, each with its source.

    A file that sets a number sets its source beside it (BadInput otherwise): an authority's own band
    must not be printed under the IRO Handbook's citation.
    """
    if not isinstance(raw, dict):
        raise BadInput("must be a table", where=where("kpi"))
    names = ("min_days_looked_after", "min_days_source", "caseload_band", "caseload_source", "groups")
    _keys(raw, names, where, "kpi")
    days = raw.get("min_days_looked_after", DEFAULT_KPI.min_days_looked_after)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise BadInput("must be a whole number of days from 1", where=where("kpi.min_days_looked_after"))
    band = raw.get("caseload_band", list(DEFAULT_KPI.caseload_band))
    if not (isinstance(band, list) and len(band) == 2 and all(type(n) is int and n >= 0 for n in band)
            and band[0] <= band[1]):
        raise BadInput("must be [low, high], two whole numbers", where=where("kpi.caseload_band"))
    for number, source in (("min_days_looked_after", "min_days_source"), ("caseload_band", "caseload_source")):
        came_from = origins.get(("kpi", number))
        if came_from is not None and origins.get(("kpi", source)) != came_from:
            raise BadInput(f"give kpi.{source} beside it (where this number comes from)",
                           where=f"{came_from}: kpi.{number}")
    days_source = _str(raw.get("min_days_source", DEFAULT_KPI.min_days_source), where("kpi.min_days_source"))
    band_source = _str(raw.get("caseload_source", DEFAULT_KPI.caseload_source), where("kpi.caseload_source"))
    return KpiSettings(days, days_source, (band[0], band[1]), band_source,
                       _kpi_groups(raw.get("groups", {}), where, origins))


def _kpi_groups(raw: Any, where, origins: dict[tuple[str, ...], str]) -> tuple[KpiGroup, ...]:
    """`[kpi.groups.NAME]` (title, prefixes, source): the KPI report's timeliness figures. A NAME of
    DEFAULT_KPI_GROUPS replaces that figure (``prefixes = []`` drops it), any other adds one after them.
    A file that sets prefixes sets the source beside them (BadInput otherwise), as for the numbers."""
    if not isinstance(raw, dict):
        raise BadInput("must be a table of groups", where=where("kpi.groups"))
    found = {g.name: g for g in DEFAULT_KPI_GROUPS}
    for name, table in raw.items():
        key = f"kpi.groups.{name}"
        if not isinstance(table, dict):
            raise BadInput("must be a table (title, prefixes, source)", where=where(key))
        _keys(table, ("title", "prefixes", "source"), where, key)
        old = found.get(name)
        if old is None and not {"prefixes", "source"} <= set(table):
            raise BadInput("a new group needs prefixes and source", where=where(key))
        prefixes = _list(table.get("prefixes", list(old.prefixes) if old else []), where(f"{key}.prefixes"))
        if not all(isinstance(p, str) and p for p in prefixes):
            raise BadInput("must be a list of rule id prefixes (non-empty strings)", where=where(f"{key}.prefixes"))
        if not prefixes:
            found.pop(name, None)  # dropped (or a new group that takes nothing)
            continue
        came_from = origins.get(("kpi", "groups", name, "prefixes"))
        if came_from is not None and origins.get(("kpi", "groups", name, "source")) != came_from:
            raise BadInput("give source beside prefixes (where this figure's definition comes from)",
                           where=f"{came_from}: {key}.prefixes")
        title = _str(table.get("title", old.title if old else name), where(f"{key}.title"))
        source = _str(table.get("source", old.source if old else ""), where(f"{key}.source"))
        found[name] = KpiGroup(name, title, tuple(prefixes), source)
    return tuple(found.values())


_TERM_KEYS = ("term", "first", "last")


def _terms(raw: dict[str, Any], origin: str, origins: dict[tuple[str, ...], str]) -> SchoolTerms:
    """`[terms]`: the school terms a term-review rule runs by (SchoolTerms): `source`, `year_starts`
    ("MM-DD"), `pattern` (a list of {term, first, last} as "MM-DD", repeating each school year) and
    `years` (a school year's own list of terms as ISO dates, keyed by the year it starts in). A bad value
    is a BadInput naming the file that set it and its key."""

    def where(*path: str) -> str:
        key = ("terms", *path)
        found = next((origins[key[:n]] for n in range(len(key), 0, -1) if key[:n] in origins), None)
        return f"{found or origin}: {'.'.join(key)}"

    _keys(raw, ("source", "year_starts", "pattern", "years"), lambda k: where(*k.split(".")[1:]), "terms")
    if "source" not in raw:
        raise BadInput("missing (where the term dates come from)", where=where("source"))
    source = _str(raw["source"], where("source"))
    starts = _month_day(raw.get("year_starts", "09-01"), where("year_starts"))
    shape = SchoolTerms(year_starts=starts, pattern=(), source=source)
    pattern = raw.get("pattern")
    if pattern is None:
        raise BadInput("missing (the terms of a school year)", where=where("pattern"))
    parsed = _term_list(pattern, where("pattern"), lambda v, w: _month_day(v, w))
    # placed in one school year (2001-02, no 29 February) to check the order
    terms = tuple((name, first, last) for name, first, last in parsed)
    _check_order([Term(n, 2001, shape.pattern_day(2001, f), shape.pattern_day(2001, la)) for n, f, la in terms],
                 where("pattern"), shape.year_start(2001), shape.year_start(2002),
                 f"a school year, from year_starts {starts[0]:02d}-{starts[1]:02d}")
    years_raw = raw.get("years", {})
    if not isinstance(years_raw, dict):
        raise BadInput("must be a table of school years (e.g. [terms.years] 2025 = [...])", where=where("years"))
    years: dict[int, tuple[Term, ...]] = {}
    for key, value in years_raw.items():
        w = where("years", key)
        if not (isinstance(key, str) and re.fullmatch(r"(19|20|21)\d\d", key)):
            raise BadInput("must be a school year by the calendar year it starts in, e.g. 2025 for 2025-26", where=w)
        year = int(key)
        dated = [Term(n, year, f, la) for n, f, la in _term_list(value, w, _date)]
        years[year] = tuple(_check_order(dated, w, shape.year_start(year), shape.year_start(year + 1)))
    return SchoolTerms(year_starts=starts, pattern=terms, years=years, source=source)


def _month_day(value: Any, where: str) -> tuple[int, int]:
    """A "MM-DD" day of the year (not 02-29: it is not in every year) as (month, day)."""
    m = re.fullmatch(r"(\d\d)-(\d\d)", value) if isinstance(value, str) else None
    try:
        if m is None or (m.group(1), m.group(2)) == ("02", "29"):
            raise ValueError
        dt.date(2001, int(m.group(1)), int(m.group(2)))
    except ValueError:
        raise BadInput(f"{value!r} is not a day of every year like '09-01' (MM-DD)", where=where) from None
    return int(m.group(1)), int(m.group(2))


def _term_list(value: Any, where: str, day) -> list[tuple[str, Any, Any]]:
    """A non-empty list of {term, first, last} tables, each day read by `day(value, where)`."""
    if not isinstance(value, list) or not value:
        raise BadInput('must be a list of terms like {term = "autumn", first = ..., last = ...}', where=where)
    out = []
    for n, entry in enumerate(value, 1):
        w = f"{where}[{n}]"
        if not isinstance(entry, dict):
            raise BadInput('must be a table like {term = "autumn", first = ..., last = ...}', where=w)
        for k in entry:
            if k not in _TERM_KEYS:
                raise BadInput(f"unknown key{did_you_mean(k, _TERM_KEYS)}", where=f"{w}.{k}")
        for k in _TERM_KEYS:
            if k not in entry:
                raise BadInput("missing", where=f"{w}.{k}")
        out.append((_str(entry["term"], f"{w}.term"), day(entry["first"], f"{w}.first"),
                    day(entry["last"], f"{w}.last")))
    return out


def _check_order(terms: list[Term], where: str, begins: dt.date, next_begins: dt.date, span: str = "") -> list[Term]:
    """Terms within one school year [begins, next_begins), each first on or before its last, in order and
    not overlapping, their names distinct; BadInput naming the term otherwise."""
    seen: set[str] = set()
    for n, t in enumerate(terms, 1):
        w = f"{where}[{n}]"
        if t.name in seen:
            raise BadInput(f"term {t.name!r} is named twice", where=f"{w}.term")
        seen.add(t.name)
        if not begins <= t.first <= t.last < next_begins:
            span = span or f"the school year {begins} to {next_begins - dt.timedelta(days=1)}"
            raise BadInput(f"term {t.name!r} must run forward within {span}", where=w)
        if n > 1 and t.first <= terms[n - 2].last:
            raise BadInput(f"term {t.name!r} must begin after {terms[n - 2].name!r} ends (list the terms in order)",
                           where=w)
    return terms


# rule types whose `event` may be a list of kinds (each raises the rule)
_EVENT_LISTS = ("requirement", "placement-start", "visit-interval", "visit-regime", "regime-expiry",
                "placement-end")


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
    if isinstance(event, list) and rtype in _EVENT_LISTS and event:
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
    windows = WINDOWS_BY_TYPE.get(rtype, WINDOWS)
    if window is not None and window not in windows:
        raise BadInput(f"must be one of {', '.join(windows)}", where=where(f"{key}.window"))
    regime = tuple(_kind(k, where(f"{key}.regime")) for k in _kinds(raw.get("regime", []), where(f"{key}.regime")))
    extended_by = tuple(_kind(k, where(f"{key}.extended_by"))
                        for k in _kinds(raw.get("extended_by", []), where(f"{key}.extended_by")))
    yields_to = tuple(_str(r, where(f"{key}.yields_to"))
                      for r in _kinds(raw.get("yields_to", []), where(f"{key}.yields_to")))
    follows = raw.get("follows")
    if follows is not None:
        _str(follows, where(f"{key}.follows"))
    long_term_event = raw.get("long_term_event")
    if long_term_event is not None:
        _kind(long_term_event, where(f"{key}.long_term_event"))
    roll = raw.get("roll", True)
    if not isinstance(roll, bool):
        raise BadInput("must be true or false", where=where(f"{key}.roll"))
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
        long_term_after=offset("long_term_after"),
        long_term_offset=offset("long_term_offset"),
        long_term_event=long_term_event,
        offset_after_age=offset("offset_after_age"),
        until_age=offset("until_age"),
        lookback=offset("lookback"),
        roll=roll,
        regime=regime,
        regime_after=offset("regime_after"),
        until_review_offset=offset("until_review_offset"),
        extension=offset("extension"),
        extended_by=extended_by,
        yields_to=yields_to,
        follows=follows,
    )


def _kinds(value: Any, where: str) -> list[Any]:
    """One event kind or a list of them."""
    return [value] if isinstance(value, str) else _list(value, where)


def _check_rule_links(rules: dict[str, Rule], raw_rules: dict[str, Any], where) -> None:
    """yields_to names visit-regime rules and follows a placement-start rule of this profile; one that
    is switched off (enabled = false) is allowed and simply not applied."""
    for rule in rules.values():
        links = [("yields_to", r, "visit-regime") for r in rule.yields_to]
        if rule.follows is not None:
            links.append(("follows", rule.follows, "placement-start"))
        for k, other, rtype in links:
            if other in rules and rules[other].type == rtype:
                continue
            if other in raw_rules and other not in rules:
                continue  # switched off
            known = [r.id for r in rules.values() if r.type == rtype]
            raise BadInput(f"{other!r} is not a {rtype} rule of this profile{did_you_mean(other, known, _AS_REPR)}",
                           where=where(f"rules.{rule.id}.{k}"))


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
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):  # a TOML date, not a date-time
        return value
    shown = value.isoformat() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BadInput(f"{shown!r} is not a date (expected YYYY-MM-DD)", where=where) from None
