"""Meta-tests: every command has help with an example; start-up stays cheap; README commands exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from irocli.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _commands(group=None, prefix=()):
    group = group or get_command(app)
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            if cmd.invoke_without_command:  # a group that does something alone (`caseload`) is a command too
                yield (*prefix, name), cmd
            yield from _commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


COMMANDS = sorted(_commands())


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path, cmd):
    assert cmd.help and "Example: irocli " in cmd.help, f"{' '.join(path)} lacks an Example"
    for param in cmd.params:
        if param.name not in ("help",):
            assert getattr(param, "help", None) or param.param_type_name == "argument" and param.help, (
                f"{' '.join(path)}: {param.name} has no help")


def test_contract_commands_exist():
    names = {" ".join(p) for p, _ in COMMANDS}
    for required in ("init", "child add", "child update", "child list", "child show", "event add",
                     "event list", "event void", "due", "overdue", "explain", "db upgrade", "db path"):
        assert required in names


def test_help_imports_neither_sqlalchemy_nor_holidays():
    code = ("import sys\nfrom irocli.cli import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'holidays', 'sqlmodel', "
            "'alembic', 'rich'})\nprint('HEAVY', heavy, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in result.stderr


def test_installed_console_script_runs():
    script = Path(sys.executable).with_name("irocli")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "irocli"]
    result = subprocess.run([*command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "Statutory review deadlines" in result.stdout


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text()
    names = {" ".join(p) for p, _ in COMMANDS} | {"import"}
    used = set(re.findall(r"^\$ irocli (?:--\S+ \S+ )*([a-z][a-z-]*(?: [a-z][a-z-]*)?)", readme, flags=re.M))
    assert used, "README shows no irocli commands"
    for phrase in used:
        assert phrase in names or phrase.split()[0] in names, phrase
    assert "make demo" in readme and "make test" in readme


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("irocli ")
    assert isinstance(app, typer.Typer)


def test_the_package_is_declared_so_the_build_says_nothing():
    """Every folder under src/irocli and migrations/ that holds files is a declared package, and every
    file in it that is not Python is declared package data: setuptools warns about anything it finds
    by discovery, and `make demo` would print sixty lines of it. The licence is an SPDX string."""
    import fnmatch
    import tomllib

    root = ROOT
    config = tomllib.loads((root / "pyproject.toml").read_text())
    assert config["project"]["license"] == "MIT"
    setup = config["tool"]["setuptools"]
    packages, data = set(setup["packages"]), setup["package-data"]
    folders = {"irocli": root / "src" / "irocli", "irocli.migrations": root / "migrations"}
    found = []
    for base_name, base in folders.items():
        for path in sorted(base.rglob("*")):
            if path.is_dir() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            package = ".".join([base_name, *path.parent.relative_to(base).parts])
            found.append(package)
            assert package in packages, f"{path.relative_to(root)} is in {package}, which pyproject does not declare"
            if path.suffix != ".py":
                patterns = data.get(package, [])
                assert any(fnmatch.fnmatch(path.name, p) for p in patterns), (
                    f"{path.relative_to(root)} is not declared package data of {package}")
    assert "irocli.importers.maps" in found and "irocli.profiles" in found


def test_every_command_body_is_short():
    """A command parses, opens the store, calls one core function and renders (STYLE.md): a body
    past ~25 lines holds code that belongs in another layer."""
    import ast

    long = []
    for path in sorted((ROOT / "src" / "irocli" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(".command" in ast.unparse(d) or ".callback" in ast.unparse(d)
                                                         for d in node.decorator_list):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                lines = body[-1].end_lineno - body[0].lineno + 1
                if lines > 25:
                    long.append(f"{path.name}:{node.name} ({lines} lines)")
    assert long == []


def test_every_public_function_and_class_has_a_docstring():
    """Docstrings give shapes, units, errors and sources (issue 14): one missing is found here."""
    import ast

    missing = []

    def visit(node, path: Path, prefix: str = "") -> None:
        for child in ast.iter_child_nodes(node):
            named = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            if named and not child.name.startswith("_"):
                if not ast.get_docstring(child):
                    missing.append(f"{path.relative_to(ROOT)}:{prefix}{child.name}")
                if isinstance(child, ast.ClassDef):
                    visit(child, path, f"{child.name}.")

    for path in sorted((ROOT / "src" / "irocli").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not ast.get_docstring(tree):
            missing.append(f"{path.relative_to(ROOT)}: the module")
        visit(tree, path)
    assert missing == []
