"""Where irocli's settings come from: flag > environment > store > default, each with its source.

Imports only the stdlib at module level (the CLI imports this for every command, --help included).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

DB_ENV = "IROCLI_DB"
PROFILE_ENV = "IROCLI_PROFILE"
DEFAULT_PROFILE = "england"

# SQLAlchemy's own URL grammar: the user name stops at ':' or '/', the password runs to the '@'.
_CREDENTIALS = re.compile(r"^(?P<head>[\w+.-]+://[^:/@]*:)(?P<password>[^@]*)(?P<at>@)")


def default_db_path() -> Path:
    """The SQLite file used when neither --db nor IROCLI_DB is given."""
    import platformdirs  # lazily: only needed when falling back to the default

    return platformdirs.user_data_path("irocli") / "irocli.db"


def db_url(value: str) -> str:
    """An SQLAlchemy URL for a --db value: a URL as given, or a file path made absolute."""
    if "://" in value:
        return value
    return f"sqlite:///{os.path.abspath(os.path.expanduser(value))}"


def resolve_db(flag: str | None) -> tuple[str, str]:
    """The store's URL and where it came from: "--db", "IROCLI_DB" or "default".

    A password on the command line is refused: other users see a process's arguments (ps), and
    shells keep them in history. It belongs in IROCLI_DB, PGPASSWORD or ~/.pgpass instead.
    """
    if flag is not None and not flag.strip():
        from irocli.errors import BadInput

        raise BadInput("--db is empty (an unset variable in a script?): give the store's path or URL")
    if flag:
        if _CREDENTIALS.match(flag):
            from irocli.errors import BadInput

            raise BadInput(
                f"--db must not hold a password ({display_url(flag)}): give the URL without it and put "
                "the password in PGPASSWORD or ~/.pgpass, or the whole URL in IROCLI_DB"
            )
        return db_url(flag), "--db"
    env = os.environ.get(DB_ENV)
    if env:
        return db_url(env), DB_ENV
    return f"sqlite:///{default_db_path()}", "default"


def display_url(url: str) -> str:
    """The URL with any password replaced by ***, safe to print and log."""
    return _CREDENTIALS.sub(r"\g<head>***\g<at>", url, count=1)


def resolve_profile(flag: str | None, store_value: str | None) -> tuple[str, str]:
    """The profile and its source: "--profile", "IROCLI_PROFILE", "store", "default"."""
    if flag:
        return flag, "--profile"
    env = os.environ.get(PROFILE_ENV)
    if env:
        return env, PROFILE_ENV
    if store_value:
        return store_value, "store"
    return DEFAULT_PROFILE, "default"


# --- The config file: TOML, optional, holding SMTP settings, IRO addresses and email choices. ---

CONFIG_ENV = "IROCLI_CONFIG"
SMTP_ENV = {
    "host": "IROCLI_SMTP_HOST",
    "port": "IROCLI_SMTP_PORT",
    "user": "IROCLI_SMTP_USER",
    "password": "IROCLI_SMTP_PASSWORD",
    "from": "IROCLI_SMTP_FROM",
    "starttls": "IROCLI_SMTP_STARTTLS",
    "ssl": "IROCLI_SMTP_SSL",
    "timeout": "IROCLI_SMTP_TIMEOUT",
}
DEFAULT_SMTP_TIMEOUT = 10.0


def default_config_path() -> Path:
    """The config file used when IROCLI_CONFIG is not set."""
    import platformdirs

    return platformdirs.user_config_path("irocli") / "config.toml"


def resolve_config_path() -> tuple[Path, str]:
    """The config file's path and where it came from: "IROCLI_CONFIG" or "default"."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(os.path.expanduser(env)).absolute(), CONFIG_ENV
    return default_config_path(), "default"


# The config file's schema, declared once: each section's keys and the kind of value each holds.
# [iros] and [teams] are open: any IRO's (team's) name, matched as people type it (domain.name_key: spaces
# and case do not count), to that IRO's (the team manager's) email address.
ANY_NAME = "*"
CONFIG_SCHEMA: dict[str, dict[str, str]] = {
    "smtp": {"host": "text", "port": "port", "user": "text", "password": "text", "from": "sender",
             "starttls": "flag", "ssl": "flag", "timeout": "seconds"},
    "iros": {ANY_NAME: "address"},
    "teams": {ANY_NAME: "address"},
    "email": {"to": "addresses", "full_names": "flag"},
}


def load_config() -> dict:
    """The config file's tables, checked against CONFIG_SCHEMA ({} when there is none).

    Values come back in their own types (port an int, starttls a bool, [email] to a list). A file
    named by IROCLI_CONFIG must exist; the default one need not. Refuses (BadInput) a file that
    holds a password and that others may read: secrets live in a 0600 file or in the environment.
    """
    import tomllib

    from irocli._toml import loads_toml
    from irocli.errors import BadInput

    path, source = resolve_config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if source == CONFIG_ENV:
            raise BadInput(f"{CONFIG_ENV} names {path}, which does not exist") from None
        return {}
    except OSError as exc:
        raise BadInput(f"cannot read the config file ({exc.strerror})", where=str(path)) from None
    try:
        data = loads_toml(raw)  # a BOM (Notepad) is fine
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadInput(f"not valid TOML ({str(exc).splitlines()[0]})", where=str(path)) from None
    if os.name == "posix" and _holds_password(data) and path.stat().st_mode & 0o077:
        raise BadInput(f"holds a password but others can read it; run: chmod 600 {path}", where=str(path))
    return check_config(data, str(path))


def check_config(data: dict, where: str) -> dict:
    """The config file's tables with each value checked and in its own type; BadInput naming the file
    (where) and the section or key that is unknown (with the closest known one) or of the wrong kind."""
    from irocli._suggest import did_you_mean
    from irocli.errors import BadInput

    checked: dict = {}
    for section, table in data.items():
        keys = CONFIG_SCHEMA.get(section)
        if keys is None:
            if isinstance(table, dict):
                raise BadInput(f"unknown section [{section}]{did_you_mean(section, CONFIG_SCHEMA, '[{}]')}",
                               where=where)
            homes = [f"[{s}]" for s, k in CONFIG_SCHEMA.items() if section in k and section != ANY_NAME]
            hint = f"; it belongs in {' or '.join(homes)}" if homes else ""
            raise BadInput(f'unknown key "{section}" outside any section{hint}', where=where)
        if not isinstance(table, dict):
            raise BadInput(f"[{section}] must be a table", where=where)
        checked[section] = {}
        seen: dict[str, str] = {}  # an open section's names by name_key: two spellings of one name are refused
        for key, value in table.items():
            kind = keys.get(key, keys.get(ANY_NAME))
            if kind is None:
                raise BadInput(f'unknown key "{key}" in [{section}]{did_you_mean(key, keys)}', where=where)
            name = f'[{section}] "{key}"' if ANY_NAME in keys else f"[{section}] {key}"
            if ANY_NAME in keys:
                _check_open_key(key, seen, f"{where}: {name}")
            checked[section][key] = _CHECKS[kind](value, f"{where}: {name}")
    return checked


def _check_open_key(key: str, seen: dict[str, str], where: str) -> None:
    """A name in [iros] or [teams]: one line of text, not empty, and not a second spelling of a name
    already given ("North" and " north"): names match as people type them, so both would be one."""
    from irocli.domain import name_key, name_problem
    from irocli.errors import BadInput

    problem = name_problem(key)
    if problem is not None:
        raise BadInput(f"the name {problem}", where=where)
    folded = name_key(key)
    if not folded:
        raise BadInput("the name is empty", where=where)
    if folded in seen:
        raise BadInput(f'is the same name as "{seen[folded]}" (names match ignoring case and spaces)', where=where)
    seen[folded] = key


def check_address(value: str, where: str) -> str:
    """The address, normalised (domain lower-cased); BadInput (one line, naming where) unless it is
    one plain email address: no display name, no angle brackets, a domain with a dot."""
    return _validated(value, where, display_name=False).normalized


def _check_sender(value, where: str) -> str:
    """[smtp] from: an address, with a display name if wanted ("IRO service <iro@example.gov.uk>")."""
    _validated(value, where, display_name=True)
    return value.strip()


def _validated(value, where: str, *, display_name: bool):
    from irocli.errors import BadInput

    if not isinstance(value, str):
        raise BadInput("must be an email address in quotes", where=where)
    from email_validator import EmailNotValidError, validate_email  # lazily: --help stays cheap

    try:
        return validate_email(value.strip(), check_deliverability=False,
                              allow_display_name=display_name)
    except EmailNotValidError as exc:
        reason = " ".join(str(exc).split()).rstrip(".")
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise BadInput(f"{shown!r} is not an email address ({reason[:1].lower()}{reason[1:]})",
                       where=where) from None


def _check_text(value, where: str) -> str:
    from irocli.errors import BadInput

    if not isinstance(value, str):
        raise BadInput("must be text in quotes", where=where)  # never echoed: it may be a password
    return value


def _check_port(value, where: str) -> int:
    from irocli.errors import BadInput

    port = value if isinstance(value, int) and not isinstance(value, bool) else (
        int(value) if isinstance(value, str) and value.strip().isdigit() else 0)
    if not 1 <= port <= 65535:
        raise BadInput(f"must be a port number from 1 to 65535 (got {value!r})", where=where)
    return port


def _check_seconds(value, where: str) -> float:
    from irocli.errors import BadInput

    try:
        return _number(value, "", float)
    except BadInput:
        raise BadInput(f"must be a number of seconds above 0 (got {value!r})", where=where) from None


def _check_flag(value, where: str) -> bool:
    from irocli.errors import BadInput

    try:
        return _flag(value, "")
    except BadInput:
        raise BadInput(f"must be true or false (got {value!r})", where=where) from None


def _check_addresses(value, where: str) -> list[str]:
    from irocli.errors import BadInput

    if isinstance(value, str):
        return [check_address(value, where)]
    if not isinstance(value, list):
        raise BadInput('must be an address or a list of them, e.g. ["manager@example.gov.uk"]', where=where)
    return [check_address(item, f"{where}[{n}]") for n, item in enumerate(value)]


_CHECKS = {"text": _check_text, "port": _check_port, "seconds": _check_seconds, "flag": _check_flag,
           "address": check_address, "sender": _check_sender,
           "addresses": _check_addresses}


def _holds_password(data: dict) -> bool:
    for key, value in data.items():
        if isinstance(value, dict) and _holds_password(value):
            return True
        if "password" in key.lower() and value:
            return True
    return False


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send mail. repr hides the password so it cannot leak into a log."""

    host: str | None
    port: int
    user: str | None
    password: str | None = field(repr=False)
    sender: str | None
    starttls: bool
    ssl: bool
    timeout: float

    def require(self) -> None:
        """BadInput unless there is enough to send with (checked before anything is computed)."""
        from irocli.errors import BadInput

        if not self.host:
            raise BadInput(f"no SMTP server: set {SMTP_ENV['host']} or [smtp] host in the config file")
        if not self.sender:
            raise BadInput(f"no sender address: set {SMTP_ENV['from']} or [smtp] from in the config file")
        if self.starttls and self.ssl:
            raise BadInput("choose one of STARTTLS and SSL for SMTP, not both")
        if self.user and not self.password:
            raise BadInput(f"an SMTP user needs a password: set {SMTP_ENV['password']} (never on the command line)")


def smtp_settings(config: dict) -> SmtpSettings:
    """SMTP settings: environment first, then the config file's [smtp] table, then defaults."""
    table = config.get("smtp", {})

    def get(key: str):
        env = os.environ.get(SMTP_ENV[key])
        if env not in (None, ""):
            return env, SMTP_ENV[key]
        return table.get(key), f"[smtp] {key}"

    starttls = _flag(*get("starttls"))
    use_ssl = _flag(*get("ssl"))
    port_value, port_where = get("port")
    port = _check_port(port_value, port_where) if port_value is not None else (465 if use_ssl else
                                                                                 587 if starttls else 25)
    timeout_value, timeout_where = get("timeout")
    timeout = _number(timeout_value, timeout_where, float) if timeout_value is not None else DEFAULT_SMTP_TIMEOUT
    sender_value, sender_where = get("from")
    sender = None if sender_value in (None, "") else _check_sender(sender_value, sender_where)
    return SmtpSettings(host=_text(get("host")[0]), port=port, user=_text(get("user")[0]),
                        password=_text(get("password")[0]), sender=sender,
                        starttls=starttls, ssl=use_ssl, timeout=timeout)


def _text(value) -> str | None:
    return None if value in (None, "") else str(value)


def _flag(value, where: str) -> bool:
    from irocli.errors import BadInput

    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise BadInput(f"{where} must be true or false (got {value!r})")


def _number(value, where: str, kind):
    from irocli.errors import BadInput

    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or number <= 0:
        raise BadInput(f"{where} must be a positive number (got {value!r})")
    return number
