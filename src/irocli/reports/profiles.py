"""The rule profiles as rows and documents for `irocli profile list|show`: the shipped profiles, a
profile's merged rules, one rule's keys with the file each came from. Reads profile files only."""

from __future__ import annotations

LIST_FIELDS = ("name", "title", "files")
RULE_FIELDS = ("id", "type", "title", "offset", "enabled", "files")
KEY_FIELDS = ("key", "value", "from")


def profile_rows() -> list[dict]:
    """One row per shipped profile: name, title and files (its own first, then the one it extends)."""
    from irocli.profiles import SHIPPED, files, load

    return [{"name": name, "title": load(name).title, "files": files(name)} for name in SHIPPED]


def profile_document(name: str) -> dict:
    """A profile's merged rules: {name, title, files, rules: [rule row]}; BadInput for an unknown profile."""
    from irocli.profiles import files, load, merged_rules

    profile, chain = load(name), files(name)
    rows = [_rule_row(rule_id, keys, rule_id in profile.rules, chain) for rule_id, keys in merged_rules(name).items()]
    return {"name": profile.name, "title": profile.title, "files": chain, "rules": rows}


def rule_document(name: str, rule_id: str) -> tuple[dict, list[dict]]:
    """One rule's keys: the document {rule, keys: {key: {value, from}}} and its (key, value, from) rows;
    for a setting's dotted path (escalation.stages.1, kpi) {setting, keys}. BadInput for an unknown
    profile, rule or setting."""
    from irocli.profiles import rule_origins

    keys = {key: (_plain(value), file) for key, (value, file) in rule_origins(name, rule_id).items()}
    rows = [{"key": key, "value": value, "from": file} for key, (value, file) in keys.items()]
    what = "rule" if is_rule(name, rule_id) else "setting"
    doc = {what: rule_id, "keys": {key: {"value": value, "from": file} for key, (value, file) in keys.items()}}
    return doc, rows


def _plain(value):
    """A TOML value with its dates as ISO text (a date written bare in TOML, e.g. a school year's term dates or
    a closure day), so every format shows it as the file spells it."""
    import datetime as dt

    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def is_rule(name: str, rule_id: str) -> bool:
    """Whether ``rule_id`` names one of the profile's rules (else a setting such as escalation.stages.1)."""
    from irocli.profiles import merged_rules

    return rule_id in merged_rules(name)


def _rule_row(rule_id: str, keys: dict, enabled: bool, chain: list[str]) -> dict:
    """One merged rule as a row: its type, title, offset, whether enabled and the files that set any of
    its keys, in the order of the profile's files (its own first)."""
    value = {key: v for key, (v, _file) in keys.items()}
    used = {file for _v, file in keys.values()}
    return {"id": rule_id, "type": value.get("type"), "title": value.get("title"), "offset": value.get("offset"),
            "enabled": enabled, "files": [file for file in chain if file in used]}


def csv_rows(rows: list[dict]) -> list[dict]:
    """Rows for CSV: lists joined by "; ", true/false lower-case (``shown``)."""
    return [{k: shown(v) if isinstance(v, list | bool) else v for k, v in row.items()} for row in rows]


def shown(value) -> str:
    """A TOML value as a person reads it: lists joined by "; ", an inline table's keys with their values joined
    by ", ", booleans lower-case, nothing as -."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "; ".join(shown(v) for v in value)
    if isinstance(value, dict):  # an inline table, e.g. a school term: "term autumn, first 09-01, last 12-31"
        return ", ".join(f"{k} {shown(v)}" for k, v in value.items())
    return str(value)
