"""docs/cli.md is the reference Typer generates from the app; stale, it fails here (run `make docs`)."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "cli.md"


def generated(tmp_path: Path) -> str:
    """What `make docs` writes, from the app as it is now (no terminal width involved)."""
    out = tmp_path / "cli.md"
    subprocess.run([sys.executable, "-m", "typer", "irocli.cli.root", "utils", "docs", "--name", "irocli",
                    "--output", str(out)], check=True, capture_output=True, text=True, cwd=tmp_path)
    return out.read_text()


def test_cli_reference_is_up_to_date(tmp_path):
    fresh = generated(tmp_path)
    assert fresh.startswith("# `irocli`\n") and "## `irocli child show`" in fresh
    stored = REFERENCE.read_text() if REFERENCE.exists() else ""
    diff = "".join(difflib.unified_diff(stored.splitlines(True), fresh.splitlines(True), "docs/cli.md", "generated",
                                        n=1))
    assert stored == fresh, f"docs/cli.md is stale: run `make docs` and commit it.\n{diff[:3000]}"


def test_cli_reference_documents_every_command():
    from typer.main import get_command

    from irocli.cli import app

    def paths(group, prefix):
        for name, cmd in group.commands.items():
            yield f"{prefix} {name}"
            if hasattr(cmd, "commands"):
                yield from paths(cmd, f"{prefix} {name}")

    text = REFERENCE.read_text()
    missing = [p for p in paths(get_command(app), "irocli") if f"## `{p}`" not in text]
    assert missing == []


def test_readme_links_the_reference_and_explains_completion():
    readme = (ROOT / "README.md").read_text()
    assert "(docs/cli.md)" in readme
    assert "irocli --install-completion" in readme and "irocli --show-completion" in readme
