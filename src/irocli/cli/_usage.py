"""Usage errors as one line (CONTRACT: exit 2, one clear line on stderr), for every command at once.

`UsageGroup` is the class of the root app and of every command group. It names the closest
command for a mistyped one, says where a root option (`--db`, `--profile`, `--debug`) belongs when
it is given after the command, and prints any other usage error as `Error: …` without Click's
usage and "Try --help" lines. It lives in the group, not in `main()`, so `CliRunner` sees it too.
Imports only typer, difflib and shlex.
"""

from __future__ import annotations

import difflib
import shlex

import typer
from typer.core import TyperGroup, TyperOption

from irocli.cli._boundary import fail

_ARGS = "irocli.command_args"  # ctx.meta (shared by the whole context tree): the args of the last command resolved


def _usage_error(exc: BaseException) -> bool:
    """Click's UsageError, known by its public attributes: Typer keeps the class itself private."""
    return isinstance(exc, typer.TyperException) and getattr(exc, "exit_code", None) == 2 and hasattr(exc, "ctx")


def _no_such_option(exc: BaseException) -> str | None:
    """The option named by Click's NoSuchOption (the only usage error carrying `possibilities`)."""
    return getattr(exc, "option_name", None) if hasattr(exc, "possibilities") else None


def _opts(command) -> dict[str, object]:
    """Each option string of a command (`--db`) and its parameter."""
    return {opt: param for param in command.params for opt in getattr(param, "opts", ())
            if opt.startswith("-")}


def _root_option_hint(exc: BaseException) -> str | None:
    """`--db is a root option: put it before the command: irocli --db x due`, or None."""
    failing = getattr(exc, "ctx", None)
    option = _no_such_option(exc)
    if failing is None or option is None or failing.parent is None:
        return None
    root = failing.find_root()
    root_opts = {k: v for k, v in _opts(root.command).items() if k != "--help"}
    if option not in root_opts:
        return None
    own = _opts(failing.command)
    moved: list[str] = []
    names: list[str] = []
    rest: list[str] = []
    args = list(failing.meta.get(_ARGS, ()))
    while args:
        token = args.pop(0)
        if token == "--":
            rest += [token, *args]
            break
        name, eq, value = token.partition("=")
        param = root_opts.get(name)
        if param is None or name in own:
            rest.append(token)
            continue
        names.append(name)
        if getattr(param, "is_flag", False) or eq:
            moved.append(token)
        elif args and not args[0].startswith("-"):
            moved += [name, args.pop(0)]
        else:
            moved += [name, name.lstrip("-").upper()]
    if not names:
        return None
    path = []
    ctx = failing
    while ctx.parent is not None:
        path.insert(0, ctx.info_name)
        ctx = ctx.parent
    line = f"{root.info_name} {shlex.join([*moved, *path, *rest])}"
    if len(names) == 1:
        return f"{names[0]} is a root option: put it before the command: {line}"
    return f"{', '.join(names[:-1])} and {names[-1]} are root options: put them before the command: {line}"


def _one_line(exc: BaseException) -> typer.Exit:
    """Print the usage error as one `Error:` line; the exit to raise in its place (2)."""
    message = _root_option_hint(exc) or exc.format_message()
    return fail(message, exc.exit_code)


def _refuse_option_as_value(ctx: typer.Context, command, args: list[str]) -> None:
    """An option that takes a value followed by one of the command's own option names (`--outcome --help`)
    is a usage error: Click would take the name as the value and carry on (resolve an escalation with the
    outcome "--help"). Everything after "--" is data."""
    valued, names = set(), {"--help"}
    for param in command.params:
        if isinstance(param, TyperOption):
            names.update(param.opts + param.secondary_opts)
            if not param.is_flag and not param.count:
                valued.update(param.opts)
    for option, value in zip(args, args[1:], strict=False):
        if option == "--":
            return
        if option in valued and value in names:
            ctx.fail(f"{option} needs a value, not the option {value}")


class UsageGroup(TyperGroup):
    """A command group whose usage errors are one line (see the module's docstring)."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        """No arguments: help on stderr and exit 2, as Click does, but not as a usage error."""
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            # what Click does (help on stderr, exit 2), without a usage error to tell from the others
            typer.echo(ctx.get_help(), err=True, color=ctx.color)
            raise typer.Exit(2)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: typer.Context, args: list[str]):
        """An unknown command is a usage error naming the closest one."""
        name = args[0]
        if self.get_command(ctx, name) is None and not ctx.resilient_parsing and not name.startswith("-"):
            visible = [n for n in self.list_commands(ctx) if not self.get_command(ctx, n).hidden]
            close = difflib.get_close_matches(name, visible, n=1)
            if close:
                ctx.fail(f'no command "{name}"; did you mean "{close[0]}"?')
            ctx.fail(f"no command \"{name}\"; see '{ctx.command_path} --help'")
        ctx.meta[_ARGS] = args[1:]
        command = self.get_command(ctx, name)
        if command is not None and not ctx.resilient_parsing:
            _refuse_option_as_value(ctx, command, args[1:])
        return super().resolve_command(ctx, args)

    def make_context(self, info_name, args, parent=None, **extra):
        """The root's own usage errors (a bad root option) as one line."""
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except typer.TyperException as exc:
            if parent is None and _usage_error(exc):
                raise _one_line(exc) from None
            raise

    def invoke(self, ctx: typer.Context):
        """Any group's usage error, printed once by the root as one line."""
        try:
            return super().invoke(ctx)
        except typer.TyperException as exc:
            if ctx.parent is None and _usage_error(exc):  # the root prints it, whichever group raised it
                raise _one_line(exc) from None
            raise
