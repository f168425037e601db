"""CSV export of a list view: every page of it, streamed in chunks of 1,000 by keyset."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from tandem.crm.models import Module
from tandem.crm.queries.metadata import fields_of
from tandem.crm.queries.records import NUMERIC, serialize_records
from tandem.web.api import keyset_page

BATCH = 1000
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection): a
# contact named "=HYPERLINK(...)" must open as text. OWASP's advice: prefix a single quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_rows(module: Module, qs, order) -> Iterator[str]:
    """CSV lines of a list view (all pages), streamed in chunks of 1,000 by keyset."""
    fields = [f for f in fields_of(module) if not f.hidden]
    out = io.StringIO()
    writer = csv.writer(out)
    labels = [safe_cell(f.label) for f in fields]
    writer.writerow(["id", *labels, "Owner", "Created_Time", "Modified_Time"])
    cursor = None
    while True:
        rows, cursor = keyset_page(qs, order=order, cursor=cursor, limit=BATCH)
        for row in serialize_records(module, rows):
            cells = []
            for f in fields:
                value = row.get(f.api_name)
                value = value.get("name") if isinstance(value, dict) else value
                # Numbers stay numbers: a negative amount is not a formula.
                cells.append(value if f.type in NUMERIC else safe_cell(value))
            owner = safe_cell(row["Owner"]["email"]) if row["Owner"] else ""
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
