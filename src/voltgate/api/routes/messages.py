"""The message log: every OCPP frame a station exchanged with Voltgate, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from voltgate.api.auth import Viewer
from voltgate.api.conventions import PRINTABLE, Data, Page, SearchText, UtcDateTime, to_domain
from voltgate.api.conventions import error_responses as errors
from voltgate.api.deps import ServicesDep, numbered_pages
from voltgate.api.enums import Direction, MessageType
from voltgate.api.message_schemas import MessageOut
from voltgate.api.routes.stations import StationId
from voltgate.domain import message_log
from voltgate.domain.errors import UnknownStation
from voltgate.domain.message_log import MessageQuery
from voltgate.domain.queries import PageRequest

router = APIRouter(prefix="/api/v1/stations", tags=["message log"], responses=errors(401, 403, 422))

MAX_LOG_ID = 2**63 - 1  # log ids are 64-bit: a busy node logs billions of frames
LogPage = Annotated[PageRequest[int], Depends(numbered_pages(MAX_LOG_ID))]


@router.get(
    "/{stationId}/messages",
    summary="List the OCPP frames a station exchanged",
    responses=errors(404),
)
async def list_station_messages(
    station_id: StationId,
    _: Viewer,
    services: ServicesDep,
    page: LogPage,
    action: Annotated[
        SearchText | None,
        Query(description="Only this OCPP action (a reply counts as its CALL's action)."),
    ] = None,
    direction: Annotated[Direction | None, Query()] = None,
    message_type: Annotated[MessageType | None, Query(alias="messageType")] = None,
    unique_id: Annotated[
        str | None,
        Query(
            alias="uniqueId",
            min_length=1,
            max_length=36,
            pattern=PRINTABLE,
            description="Only frames with this MessageId: a CALL and its answer.",
        ),
    ] = None,
    after: Annotated[
        UtcDateTime | None, Query(description="Only frames at or after this time.")
    ] = None,
    before: Annotated[
        UtcDateTime | None, Query(description="Only frames before this time.")
    ] = None,
) -> Data[Page[MessageOut]]:
    """Every OCPP-J frame in both directions, newest first: what the station sent and what
    Voltgate answered, what Voltgate sent and how the station answered, and frames that
    were not readable OCPP-J with the CALLERROR they got. Frames are stored within about a
    second after they cross the wire, with secret values (passwords, keys) replaced by
    "<redacted>"; what is kept and for how long follows the message_log settings."""
    query = MessageQuery(
        station_id,
        action=action,
        direction=None if direction is None else to_domain(message_log.Direction, direction),
        message_type=(
            None if message_type is None else to_domain(message_log.FrameType, message_type)
        ),
        unique_id=unique_id,
        after=after,
        before=before,
        page=page,
    )
    found = await services.message_log.page(query)
    if found is None:
        raise UnknownStation(station_id)
    items = [MessageOut.of(entry) for entry in found.items]
    return Data(data=Page(items=items, has_more=found.has_more))
