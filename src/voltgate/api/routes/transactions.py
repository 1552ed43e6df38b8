"""Transactions of both OCPP versions: filtered list, detail with meter values and 2.0.1
events, and a streamed CSV export with the same filters."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse

from voltgate.api.auth import Viewer
from voltgate.api.conventions import (
    STATION_ID_PATTERN,
    Data,
    IdTag,
    Page,
    UtcDateTime,
    error_responses,
)
from voltgate.api.deps import MAX_CURSOR_ID, NumberPage, ServicesDep
from voltgate.api.enums import TransactionStatus
from voltgate.api.errors import not_found
from voltgate.api.schemas import (
    MeterValueOut,
    TransactionDetail,
    TransactionEventOut,
    TransactionOut,
)
from voltgate.domain.queries import MAX_LIMIT, PageRequest, TransactionQuery
from voltgate.domain.services import Services

router = APIRouter(
    prefix="/api/v1", tags=["transactions"], responses=error_responses(401, 403, 422)
)


@dataclass(frozen=True, slots=True)
class TransactionFilter:
    """The filters the list and the CSV export share."""

    station_id: str | None
    id_tag: str | None
    open: bool | None
    started_after: Any
    started_before: Any

    def query(self, page: PageRequest[int]) -> TransactionQuery:
        """The domain query for one page."""
        return TransactionQuery(
            station_id=self.station_id,
            id_tag=self.id_tag,
            open=self.open,
            started_after=self.started_after,
            started_before=self.started_before,
            page=page,
        )


def transaction_filter(
    station_id: Annotated[str | None, Query(alias="stationId", pattern=STATION_ID_PATTERN)] = None,
    id_tag: Annotated[IdTag | None, Query(alias="idTag", description="Any letter case.")] = None,
    status: Annotated[TransactionStatus | None, Query()] = None,
    started_after: Annotated[
        UtcDateTime | None, Query(alias="startedAfter", description="Started at or after.")
    ] = None,
    started_before: Annotated[
        UtcDateTime | None, Query(alias="startedBefore", description="Started before.")
    ] = None,
) -> TransactionFilter:
    """The filters from the query string."""
    return TransactionFilter(
        station_id=station_id,
        id_tag=id_tag,
        open=None if status is None else status is TransactionStatus.OPEN,
        started_after=started_after,
        started_before=started_before,
    )


Filters = Annotated[TransactionFilter, Depends(transaction_filter)]


@router.get("/transactions", summary="List transactions")
async def list_transactions(
    _: Viewer, services: ServicesDep, filters: Filters, page: NumberPage
) -> Data[Page[TransactionOut]]:
    """Newest first (``startingAfter`` = the last id, the next page has older ones)."""
    found = await services.transactions.list_page(filters.query(page))
    items = [TransactionOut.of(tx) for tx in found.items]
    return Data(data=Page(items=items, has_more=found.has_more))


CSV_COLUMNS = (
    "id", "stationId", "evseId", "connectorId", "status", "stationTransactionId", "idTag",
    "authStatus", "startedAt", "stoppedAt", "meterStartWh", "meterStopWh", "energyWh",
    "stopReason", "readingCount", "suspect", "unmatched", "reportedId",
)  # fmt: skip
"""The columns of the CSV export: `TransactionOut` fields in its wire names."""


@router.get(
    "/transactions.csv",
    summary="Export transactions as CSV",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def export_transactions(
    _: Viewer, services: ServicesDep, filters: Filters
) -> StreamingResponse:
    """Every transaction matching the filters, newest first, streamed a page at a time
    (so an export of any size holds one page in memory). Suspect flags are joined by
    ``|``; text that a spreadsheet would run as a formula is prefixed with ``'``."""
    return StreamingResponse(
        _csv_rows(services, filters),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="transactions.csv"'},
    )


async def _csv_rows(services: Services, filters: TransactionFilter) -> AsyncIterator[str]:
    yield csv_line(CSV_COLUMNS)
    after: int | None = None
    while True:
        found = await services.transactions.list_page(filters.query(PageRequest(MAX_LIMIT, after)))
        if found.items:
            yield "".join(csv_line(csv_values(TransactionOut.of(tx))) for tx in found.items)
            after = found.items[-1].id
        if not found.has_more:
            return


def csv_values(tx: TransactionOut) -> list[Any]:
    data = tx.model_dump(mode="json", by_alias=True)
    data["suspect"] = "|".join(data["suspect"])
    return [data[column] for column in CSV_COLUMNS]


def csv_line(values: Iterable[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([_cell(value) for value in values])
    return out.getvalue()


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in station-provided text (OWASP "CSV injection")."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@router.get(
    "/transactions/{transactionId}",
    summary="Get a transaction with its meter values",
    responses=error_responses(404),
)
async def get_transaction(
    transaction_id: Annotated[int, Path(alias="transactionId", ge=1, le=MAX_CURSOR_ID)],
    _: Viewer,
    services: ServicesDep,
) -> Data[TransactionDetail]:
    """Meter values in time order with their suspect flags; for an OCPP 2.0.1
    transaction also its TransactionEvents in seqNo order."""
    tx = await services.transactions.get(transaction_id)
    if tx is None:
        raise not_found("transaction", transaction_id)
    readings = await services.transactions.readings(transaction_id)
    events = await services.transaction_events.list_for_transaction(transaction_id)
    detail = TransactionDetail(
        **TransactionOut.of(tx).model_dump(),
        meter_values=[MeterValueOut.of(reading) for reading in readings],
        events=[TransactionEventOut.of(event) for event in events],
    )
    return Data(data=detail)
