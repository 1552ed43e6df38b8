"""Reference endpoint 02 (`reference/02-charger-connect-api-v1-ocpp.txt`), as written there.

`POST /api/v1/ocpp/charger-connect` starts charging on a charger for a token (a remote start,
`domain.commands.StartCharging`) and answers `OcppStatusResponse` with the station's real
answer. Clients of the existing platform speak JSON or XML (DataContract serialisation:
their namespace, elements in alphabetical order), in both directions, so the body is parsed
by its Content-Type and the answer follows the Accept header. Untrusted XML is parsed with
defusedxml (no entity expansion, no external references).

The remote start is stored as a command record like any other (`GET /api/v1/commands/{id}`).
`serverIpAddress` and `serverRestApiPort` say where the calling platform runs; they are
accepted and not used (the answer goes back on this same request).
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from voltgate.api.auth import Operator
from voltgate.api.conventions import PRINTABLE, error_responses
from voltgate.api.deps import ServicesDep
from voltgate.api.errors import ApiError
from voltgate.api.reference_formats import JSON_TYPES, MAX_BODY, XML_TYPES, XSI, media_of
from voltgate.domain.commands import CommandRecord, CommandState, StartCharging

router = APIRouter(tags=["reference"], responses=error_responses(401, 403, 404, 413, 415, 422))

NAMESPACE = "http://schemas.datacontract.org/2004/07/IO.Swagger.Models"


# Free text of the reference (at most 255 characters), without the control characters no
# station id or id token can hold (PostgreSQL cannot even store NUL): 422, not a 500.
ReferenceText = Annotated[str, Field(min_length=1, max_length=255, pattern=PRINTABLE)]


class ChargerConnectRequest(BaseModel):
    """OcppChargerConnectRequest: `id` is required; the rest as the reference lists them."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    chargerId: ReferenceText
    tokenId: ReferenceText
    serverIpAddress: Annotated[str | None, Field(max_length=255, pattern=PRINTABLE)] = None
    serverRestApiPort: Annotated[int | None, Field(ge=0, le=65535)] = None


class OcppStatusResponse(BaseModel):
    """OcppStatusResponse, field names as the reference spells them."""

    id: uuid.UUID
    chargerId: str
    connectorId: int
    errorCode: str
    status: str
    info: str


_REQUEST_BODY = {
    "required": True,
    "content": {
        media: {"schema": ChargerConnectRequest.model_json_schema()}
        for media in (*JSON_TYPES, *XML_TYPES)
    },
}
_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The station's answer to the remote start.",
        "content": {
            **{media: {"schema": OcppStatusResponse.model_json_schema()} for media in JSON_TYPES},
            **{media: {"schema": {"type": "string"}} for media in XML_TYPES},
        },
    }
}
# Where the station gave no answer, `status` says why and `errorCode` names it.
_NO_ANSWER = {
    CommandState.OFFLINE: ("Offline", "StationOffline"),
    CommandState.TIMED_OUT: ("Timeout", "Timeout"),
    CommandState.FAILED: ("Failed", "Failed"),
}


@router.post(
    "/api/v1/ocpp/charger-connect",
    summary="Start charging on a charger for a token (reference 02)",
    response_class=Response,
    responses=_ANSWERS,
    openapi_extra={"requestBody": _REQUEST_BODY},
)
async def charger_connect(
    request: Request,
    caller: Operator,
    services: ServicesDep,
    content_type: Annotated[str | None, Header()] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    """RemoteStartTransaction (1.6) / RequestStartTransaction (2.0.1) on an Available EVSE of
    `chargerId` for `tokenId`, answered with the station's status."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ApiError(413, f"the body is larger than {MAX_BODY} bytes")
    wanted = _parse(body, media_of(content_type))
    view = await services.stations.get_view(wanted.chargerId)
    if view is None:
        raise ApiError(404, f"no charger {wanted.chargerId!r}")
    evse_id = next(
        (c.evse_id for c in view.connectors if c.evse_id > 0 and c.status == "Available"), None
    )
    if view.station.protocol is None:  # never connected: no OCPP version to speak to it
        status, error_code = _NO_ANSWER[CommandState.OFFLINE]
        answer = _status(wanted, 0, status, error_code, "the charger has never connected")
    else:
        record = await services.commands.send(
            wanted.chargerId, StartCharging(wanted.tokenId, evse_id), caller.id
        )
        answer = _answer(wanted, record, evse_id or 0)
    if media_of(accept, default="application/json") in XML_TYPES:
        return Response(_xml(answer), media_type="application/xml")
    return Response(answer.model_dump_json(), media_type="application/json")


def _parse(body: bytes, media: str | None) -> ChargerConnectRequest:
    """The request from a JSON or XML body; 415 for other media, 422 for a bad one."""
    fields: Any
    if media in XML_TYPES:
        try:
            root = fromstring(body, forbid_dtd=True)
        except (ParseError, DefusedXmlException) as error:
            raise ApiError(422, f"the XML body cannot be read: {error}") from None
        fields = {child.tag.rsplit("}", 1)[-1]: (child.text or "") for child in root}
    elif media is None or media in JSON_TYPES:
        try:
            fields = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise ApiError(422, f"the JSON body cannot be read: {error}") from None
    else:
        raise ApiError(415, f"send application/json or application/xml, not {media}")
    try:
        return ChargerConnectRequest.model_validate(fields)
    except ValidationError as error:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]}
            for e in error.errors()
        ]
        message = "the request is not a valid OcppChargerConnectRequest"
        raise ApiError(422, message, details=details) from None


def _answer(
    wanted: ChargerConnectRequest, record: CommandRecord, connector_id: int
) -> OcppStatusResponse:
    """The station's status (Accepted / Rejected) or why there is none."""
    if record.state in (CommandState.ACCEPTED, CommandState.REJECTED):
        status, error_code = record.status or record.state.title(), ""
    else:
        status, error_code = _NO_ANSWER.get(record.state, ("Failed", "Failed"))
        if record.state is CommandState.FAILED and record.status:
            error_code = record.status  # the station's CALLERROR code
    return _status(wanted, connector_id, status, error_code, record.reason or "")


def _status(
    wanted: ChargerConnectRequest, connector_id: int, status: str, error_code: str, info: str
) -> OcppStatusResponse:
    return OcppStatusResponse(
        id=wanted.id,
        chargerId=wanted.chargerId,
        connectorId=connector_id,
        errorCode=error_code,
        status=status,
        info=info,
    )


def _xml(answer: OcppStatusResponse) -> bytes:
    """DataContract XML: the reference's namespaces, elements in alphabetical order."""
    root = Element("OcppStatusResponse", {"xmlns:i": XSI, "xmlns": NAMESPACE})
    for name, value in sorted(answer.model_dump(mode="json").items()):
        SubElement(root, name).text = str(value)
    return bytes(tostring(root, encoding="utf-8"))
