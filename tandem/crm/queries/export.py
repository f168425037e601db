"""CSV export of a list view: every page of it, streamed in chunks of 1,000 by keyset."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from tandem.crm.models import Module
from tandem.crm.queries.metadata import fields_of
from tandem.crm.queries.records import serialize_records
from tandem.web.api import keyset_page

BATCH = 1000


def export_rows(module: Module, qs, order) -> Iterator[str]:
    """CSV lines of a list view (all pages), streamed in chunks of 1,000 by keyset."""
    fields = [f for f in fields_of(module) if not f.hidden]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", *[f.label for f in fields], "Owner", "Created_Time", "Modified_Time"])
    cursor = None
    while True:
        rows, cursor = keyset_page(qs, order=order, cursor=cursor, limit=BATCH)
        for row in serialize_records(module, rows):
            cells = []
            for f in fields:
                value = row.get(f.api_name)
                cells.append(value.get("name") if isinstance(value, dict) else value)
            owner = row["Owner"]["email"] if row["Owner"] else ""
            writer.writerow(
                [
                    row["id"],
                    *cells,
                    owner,
                    row["Created_Time"].isoformat(),
                    row["Modified_Time"].isoformat(),
                ]
            )
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if cursor is None:
            return
