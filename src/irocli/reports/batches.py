"""`irocli import history`: the import batches as rows (who imported which files when, what each wrote, whether it
was undone). Plain data; rendering is render.batches_table."""

from __future__ import annotations

BATCH_FIELDS = ("batch", "recorded_at", "recorded_by", "kind", "files", "map", "options", "children_added",
                "children_updated", "events_added", "events_updated", "undone_at", "undone_by", "undo_reason")


def _iso(stamp) -> str | None:
    from irocli.reports.stewardship import utc_iso  # one form with child history and the audit: to the second, Z

    return None if stamp is None else utc_iso(stamp)


def batch_rows(batches: list[dict]) -> list[dict]:
    """One row per batch (Store.import_batches), oldest first: BATCH_FIELDS, timestamps ISO UTC ("…Z"), ``files``
    as "name (sha256:first 12 hex)" joined by "; " and ``files_detail`` the full list ({"name", "sha256",
    "bytes"}), ``map`` its name, ``options`` what shaped it as "name=value; …" (``options_detail`` the object),
    counts as the import reported them (0 when it did not count one)."""
    rows = []
    for batch in batches:
        counts = batch["counts"]
        files = "; ".join(f"{f['name']} (sha256:{f['sha256'][:12]})" if f.get("sha256") else f["name"]
                          for f in batch["files"])
        rows.append({
            "batch": batch["batch"],
            "recorded_at": _iso(batch["recorded_at"]),
            "recorded_by": batch["recorded_by"],
            "kind": batch["kind"],
            "files": files,
            "map": (batch["map"] or {}).get("name"),
            "options": "; ".join(f"{k}={', '.join(v) if isinstance(v, list) else v}"
                                 for k, v in sorted(batch["options"].items())),
            **{name: counts.get(name, 0) for name in ("children_added", "children_updated", "events_added",
                                                      "events_updated")},
            "undone_at": _iso(batch["undone_at"]),
            "undone_by": batch["undone_by"],
            "undo_reason": batch["undo_reason"],
            "files_detail": batch["files"],
            "map_sha256": (batch["map"] or {}).get("sha256"),
            "options_detail": batch["options"],
        })
    return rows
