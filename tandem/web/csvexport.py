"""CSV downloads of long lists (a CRM list view, a Desk ticket view): streamed in batches
read by keyset, so memory stays flat at any size, with spreadsheet formulas defused."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable, Iterable, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse

from tandem.web.pagination import keyset_page

BATCH = 1000
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection): a
# contact named "=HYPERLINK(...)" must open as text. OWASP's advice: prefix a single quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def stream_csv(
    qs, order, header: list, rows_of: Callable[[list], Iterable[list]], batch: int = BATCH
) -> Iterator[str]:
    """CSV text, a chunk per batch: the header, then `rows_of(batch of objects)` for every
    page of `qs` in `order`. `rows_of` returns cells, passing text through `safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    cursor = None
    while True:
        rows, cursor = keyset_page(qs, order=order, cursor=cursor, limit=batch)
        writer.writerows(rows_of(rows))
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if cursor is None:
            return


def csv_download(request, chunks: Iterator[str], filename: str) -> StreamingHttpResponse:
    """A download streamed as it is written. Under ASGI (uvicorn) Django would first read a
    plain iterator to the end, holding the whole file in memory: there, each chunk is
    fetched on the request's sync thread (where its database connection lives) as it is sent."""
    if isinstance(request, ASGIRequest):
        chunks = _one_by_one(chunks)
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


async def _one_by_one(chunks: Iterator[str]) -> AsyncIterator[str]:
    step = sync_to_async(next, thread_sensitive=True)
    while (chunk := await step(chunks, None)) is not None:
        yield chunk
