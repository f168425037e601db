"""CSV export of a list view: every page of it, streamed in chunks of 1,000 by keyset."""

from __future__ import annotations

from collections.abc import Iterator

from tandem.crm.models import Module
from tandem.crm.queries.metadata import fields_of
from tandem.crm.queries.records import NUMERIC, serialize_records
from tandem.web.csvexport import safe_cell, stream_csv


def export_rows(module: Module, qs, order) -> Iterator[str]:
    """CSV lines of a list view (all pages), streamed in chunks of 1,000 by keyset."""
    fields = [f for f in fields_of(module) if not f.hidden]

    def rows_of(batch):
        for row in serialize_records(module, batch):
            cells = []
            for f in fields:
                value = row.get(f.api_name)
                value = value.get("name") if isinstance(value, dict) else value
                # Numbers stay numbers: a negative amount is not a formula.
                cells.append(value if f.type in NUMERIC else safe_cell(value))
            owner = safe_cell(row["Owner"]["email"]) if row["Owner"] else ""
            yield [
                row["id"],
                *cells,
                owner,
                row["Created_Time"].isoformat(),
                row["Modified_Time"].isoformat(),
            ]

    header = ["id", *[f.label for f in fields], "Owner", "Created_Time", "Modified_Time"]
    return stream_csv(qs, order, header, rows_of)
