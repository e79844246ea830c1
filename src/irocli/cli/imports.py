"""`irocli import …`: loading data in bulk. All-or-nothing; safe to re-run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from irocli.cli._boundary import boundary
from irocli.cli._context import (
    as_of,
    date_arg,
    input_path,
    note,
    open_store,
    output_format,
    text,
    whole_number,
    year_arg,
)
from irocli.cli._options import Format, FormatTableJson

app = typer.Typer(help="Load children and events in bulk (all-or-nothing, safe to re-run).",
                  no_args_is_help=True)

DryRun = Annotated[bool, typer.Option("--dry-run", help="Check everything and say what would change; write nothing.")]
SkipBadRows = Annotated[bool, typer.Option(
    "--skip-bad-rows", help="Leave out bad rows (each one listed on stderr) and load the rest.")]
ImportFormat = Annotated[str, typer.Option("--format", "-f", help="Summary: table (on stderr) or json (on stdout).")]
Encoding = Annotated[str | None, typer.Option(
    "--encoding", metavar="NAME",
    help="Read CSV files in this text encoding (e.g. cp1252, what Excel's plain 'CSV' saves); default UTF-8.")]
ImportAsOf = Annotated[str | None, typer.Option(
    "--as-of", help="Reject dates after this day (YYYY-MM-DD); default today in London.")]

# Files with fewer rows than this load without a progress bar.
PROGRESS_ROWS = 5000


@app.command("native")
@boundary
def import_native(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder with children.csv and events.csv.")],
    shift_to: Annotated[str | None, typer.Option(
        "--shift-to", help="Move all dates by whole weeks so reference_date.txt lands near this date "
                           "(YYYY-MM-DD or 'today').")] = None,
    dry_run: DryRun = False,
    skip_bad_rows: SkipBadRows = False,
    encoding: Encoding = None,
) -> None:
    """Load irocli's own CSV format (children.csv, events.csv), e.g. the sample data.

    Example: irocli import native sample_data --shift-to today
    """
    from irocli.importers._common import check_encoding
    from irocli.importers.native import load_native

    encoding = check_encoding(encoding) if encoding is not None else None
    shift = date_arg(shift_to, "--shift-to") if shift_to is not None else None
    directory = input_path(directory, "DIRECTORY", folder=True)
    result = load_native(_store(ctx, dry_run), directory, shift_to=shift, dry_run=dry_run,
                         skip_bad_rows=skip_bad_rows, encoding=encoding)
    _summary(result, "table")


@app.command("ssda903")
@boundary
def import_ssda903(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(
        metavar="PATH", help="The return's CSV files (or one XML file); a folder means every .csv/.xml in it.")],
    dry_run: DryRun = False,
    skip_bad_rows: SkipBadRows = False,
    as_of_: ImportAsOf = None,
    fmt: ImportFormat = "table",
    year: Annotated[str | None, typer.Option(
        "--year", metavar="YEAR",
        help="Collection year, by the year it ends (2024 = 1 Apr 2023 to 31 Mar 2024). "
             "Default: the year the latest date in the files falls in.")] = None,
    encoding: Encoding = None,
) -> None:
    """Load the DfE SSDA903 return (children looked after).

    Tables are told apart by their columns, not their file names. Children are named by their
    id (the return holds no names). The return is one window (RULES §6): nothing due before its
    year began is judged, and tasks are tracked from its end; several years chain.
    Short-break-only children are looked after under REG reg 48, their reviews never in a return.

    Example: irocli import ssda903 header.csv episodes.csv reviews.csv --dry-run
    """
    from irocli.importers._common import check_encoding, refuse_idle_encoding
    from irocli.importers.ssda903 import load_ssda903

    encoding = check_encoding(encoding) if encoding is not None else None
    collection = year_arg(year, "--year", 2000, 2100) if year is not None else None

    fmt = output_format(fmt, ("table", "json"))
    day = as_of(as_of_)
    paths = [input_path(path, "PATH", folder=None) for path in paths]
    refuse_idle_encoding(paths, (".csv", ".xml"), encoding, "an XML file declares its own")
    store = _store(ctx, dry_run)
    with _progress() as progress:
        result = load_ssda903(store, paths, as_of=day, dry_run=dry_run, skip_bad_rows=skip_bad_rows,
                              progress=progress, year=collection, encoding=encoding)
    _summary(result, fmt)


@app.command("extract")
@boundary
def import_extract(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(metavar="FILE", help="The extract's CSV file(s) or .xlsx "
                                                                     "workbook(s) (or a folder of them); each file or "
                                                                     "sheet is matched to a table of the map by its "
                                                                     "columns.")],
    map_: Annotated[str, typer.Option("--map", "-m", help="A shipped map (see 'irocli import maps') or a .toml path.")],
    dry_run: DryRun = False,
    skip_bad_rows: SkipBadRows = False,
    as_of_: ImportAsOf = None,
    fmt: ImportFormat = "table",
    covers_from: Annotated[str | None, typer.Option(
        "--covers-from", metavar="DATE",
        help="The first day the extract's history covers (else the map's covers_from): nothing due before "
             "it is judged.")] = None,
    sheets: Annotated[list[str] | None, typer.Option(
        "--sheet", metavar="NAME",
        help="Read only this sheet of the workbook(s); give it once for each sheet to read (--sheet Persons "
             "--sheet Reviews). Else the sheets the map names, else every visible sheet.")] = None,
    encoding: Encoding = None,
) -> None:
    """Load a case-system extract (CSV or .xlsx) through a map.

    The map file names the columns and codes. A workbook's sheets are read as CSV files would be;
    an error names the sheet and cell. A cover or notes sheet matches no table: choose the data
    sheets with --sheet (once for each), name them in the map, or hide that sheet in Excel.

    Example: irocli import extract ssd_person.csv ssd_cla_episodes.csv ssd_cla_reviews.csv --map ssd
    """
    from irocli.importers._common import check_encoding, check_sheet
    from irocli.importers.extract import load_extract
    from irocli.importers.extract_map import load_map

    encoding = check_encoding(encoding) if encoding is not None else None
    sheets = [check_sheet(sheet) for sheet in sheets or ()]
    fmt = output_format(fmt, ("table", "json"))
    day = as_of(as_of_)
    covers = date_arg(covers_from, "--covers-from") if covers_from is not None else None
    files = [input_path(path, "FILE", folder=None) for path in files]
    mapping = load_map(map_)  # a bad map fails before the store is opened
    store = _store(ctx, dry_run)
    with _progress() as progress:
        result = load_extract(store, files, mapping, as_of=day, dry_run=dry_run, skip_bad_rows=skip_bad_rows,
                              progress=progress, covers_from=covers, encoding=encoding, sheets=sheets)
    _summary(result, fmt)


@app.command("maps")
@boundary
def import_maps(fmt: FormatTableJson = "table") -> None:
    """List the shipped extract maps (copy one to write your own).

    Example: irocli import maps
    """
    from irocli.importers.extract_map import shipped_maps

    fmt = output_format(fmt, ("table", "json"))
    maps = shipped_maps()
    if fmt == "json":
        from irocli.reports.formats import write_json

        write_json(maps, sys.stdout)
        return
    for item in maps:
        print(f"{item['name']:<22} {item['title']}\n{'':<22} {item['path']}")


@app.command("history")
@boundary
def import_history(ctx: typer.Context, fmt: Format = "table") -> None:
    """List every import into this store: its batch id, when and by whom, the files (with their SHA-256),
    the map, what it wrote, and whether it was undone.

    Example: irocli import history --format json
    """
    from irocli.reports.batches import BATCH_FIELDS, batch_rows
    from irocli.reports.output import emit, render

    fmt = output_format(fmt)
    rows = batch_rows(open_store(ctx, read_only=True).import_batches())
    emit(rows, fmt, fields=BATCH_FIELDS, table=lambda: render.batches_table(rows))


@app.command("undo")
@boundary
def import_undo(
    ctx: typer.Context,
    batch: Annotated[str, typer.Argument(metavar="BATCH", help="The import batch's id (see 'irocli import history').")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is taken back (kept on record).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Undo even when a later import or a hand entry depends on the batch: those stay as they "
                        "are (a detail changed since keeps its later value).")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Say what it would do and everything that depends on the batch; write nothing.")] = False,
    fmt: ImportFormat = "table",
) -> None:
    """Take back one import, in one transaction: its events are voided (the same file imported again adds them
    again), the events it replaced come back, and the child details it changed are set back. Children it added
    stay, their events voided.

    Refused (nothing written) when a later import or a hand entry depends on it (a detail changed since, an
    event of it amended, an event recorded since for a child it added), unless --force.

    Example: irocli import undo 7 --reason "last week's extract again, with the wrong dates"
    """
    fmt = output_format(fmt, ("table", "json"))
    number = whole_number(batch, "BATCH")
    store = open_store(ctx)  # a dry run too: it works in a transaction it rolls back
    done = store.undo_import(number, reason=text(reason, "--reason"), force=force, dry_run=dry_run)
    if fmt == "json":
        from irocli.reports.formats import write_json

        write_json({**done.as_dict(), "dry_run": dry_run}, sys.stdout)
        return
    restored = len(done.fields_restored)
    verb, would = ("Would undo", "would be ") if dry_run else ("Undid", "")
    note(f"{verb} import batch {done.batch_id}: {done.events_voided:,} event(s) {would}voided, "
         f"{done.events_restored:,} {would}brought back, {restored:,} child detail(s) {would}set back"
         + (" (" + ", ".join(f"{cid} {name.replace('_', ' ')}" for cid, name in done.fields_restored[:10])
            + (", …" if restored > 10 else "") + ")" if restored else "") + ".")
    for found in done.dependents:
        note(f"Depends on it (refused without --force): {found['text']}." if dry_run and not force
             else f"Left as it is (--force): {found['text']}.")
    if dry_run:
        note("Dry run: nothing was written.")


# -- helpers ----------------------------------------------------------------------------------


def _store(ctx: typer.Context, dry_run: bool):
    """The store to load into; a dry run only reads it (it must exist, as for every command but
    init: a mistyped path must not look like an empty store)."""
    return open_store(ctx, read_only=dry_run)


class _Bars:
    """Rich progress bars on stderr, one per file of PROGRESS_ROWS rows or more; gone when done."""

    def __init__(self) -> None:
        self._progress = None
        self._task = None

    def start(self, label: str, total: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=self._progress.tasks[-1].total)
        self._task = None
        if total < PROGRESS_ROWS:
            return
        if self._progress is None:
            from rich.progress import Progress

            from irocli.reports.render import console

            self._progress = Progress(console=console(stderr=True), transient=True)
            self._progress.start()
        self._task = self._progress.add_task(label, total=total)

    def advance(self, rows: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, rows)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        self._task = None

    def __enter__(self) -> _Bars:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _progress() -> _Bars:
    """Bars only when stderr is a terminal; silent otherwise (cron, pipes, tests)."""
    if sys.stderr.isatty():
        return _Bars()
    from contextlib import nullcontext

    from irocli.importers._common import NoProgress

    return nullcontext(NoProgress())


def _summary(result, fmt: str) -> None:
    """The summary: JSON on stdout, or lines on stderr; every skipped row on stderr either way."""
    for error in result.skipped:
        note(f"Skipped: {error}")
    if fmt == "json":
        from irocli.reports.formats import write_json

        write_json(result.as_dict(), sys.stdout)
        return
    for line in result.summary():
        note(line)
