"""Progress bars: on stderr, only for a terminal, only for files of a few thousand rows or more."""

from __future__ import annotations

import io

from irocli.cli import imports
from irocli.importers._common import NoProgress


def test_no_bars_when_stderr_is_not_a_terminal():
    with imports._progress() as progress:
        assert isinstance(progress, NoProgress)


def test_bars_only_for_big_files(monkeypatch):
    from rich.console import Console

    out = io.StringIO()
    monkeypatch.setattr("irocli.reports.render.console",
                        lambda stderr=False: Console(file=out, force_terminal=True, width=80))
    with imports._Bars() as bars:
        bars.start("header.csv (Header)", imports.PROGRESS_ROWS - 1)
        bars.advance(1000)
        assert bars._progress is None  # a small file: no bar
        bars.start("episodes.csv (Episodes)", 20000)
        bars.advance(10000)
        assert bars._progress is not None and bars._progress.tasks[-1].completed == 10000
    assert bars._progress is None and "episodes.csv (Episodes)" in out.getvalue()
