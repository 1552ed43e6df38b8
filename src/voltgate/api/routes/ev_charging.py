"""Reference endpoint 03 (`reference/03-ev-charging-device-info.txt`), as written there, and
what its clients need next, in the same conventions (`api.ev_charging_schemas`).

``POST /api/customers/{customerId}/contracts/{contractNo}/gateways/{gatewayAssetId}/
evchargingdevices/{deviceAssetId}`` creates the device's EV charging information and answers
201 with the new entity and its Location: the reference says it "returns the new entity
object", which is what ASP.NET Web API's scaffolded POST does with CreatedAtRoute, and
clients treat any 2xx as success. A second POST for the same device is 409: PUT replaces.
GET reads it, PUT replaces it whole, DELETE removes it, ``PATCH .../smartcharge`` changes the
battery level and deadline only, and ``GET .../chargeplan`` computes the charge plan.

The path is authoritative: the body's `CustomerId` (a string in the reference),
`ContractId` (the contract number), `GatewayAssetId` and `DeviceAssetId` may be left out;
one that names another record than the path is 422, naming it. Bodies are JSON, sent as
``application/json`` or ``text/json`` (or ``text/html``, as the reference lists; other
media: 415); answers are JSON, as ``text/json`` when the Accept header asks for that.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, ValidationError

from voltgate.api.auth import Operator, Viewer
from voltgate.api.conventions import error_responses
from voltgate.api.deps import ServicesDep
from voltgate.api.errors import ApiError, invalid_value
from voltgate.api.ev_charging_schemas import (
    ChargePlanResp,
    EvChargingInformation,
    EvChargingInformationReq,
    SmartChargeReq,
)
from voltgate.api.reference_formats import JSON_TYPES, MAX_BODY, media_of
from voltgate.api.routes.customers import DevicePath
from voltgate.domain.customers import ChargingMode, DeviceRef, EvDetails
from voltgate.domain.errors import InvalidValue

M = TypeVar("M", bound=BaseModel)

router = APIRouter(tags=["reference"], responses=error_responses(401, 403, 404, 422))

PATH = (
    "/api/customers/{customerId}/contracts/{contractNo}/gateways/{gatewayAssetId}"
    "/evchargingdevices/{deviceAssetId}"
)
# The reference lists text/html among its request formats, with a JSON sample (its platform
# had its JSON formatter take text/html too): such bodies are read as JSON. Answers never
# claim text/html, though: a browser would render the stored strings as a page.
BODY_TYPES = (*JSON_TYPES, "text/html")
FIELDS = {"net_battery_kwh": "NetBatterySize"}
"""The reference's name of each domain field an `InvalidValue` may name."""


def inline_schema(model: type[BaseModel], mode: Any = "validation") -> dict[str, Any]:
    """`model`'s JSON schema with its ``$defs`` inlined, to embed in the OpenAPI document
    (where a ``#/$defs/...`` reference would not resolve)."""
    schema = model.model_json_schema(mode=mode)
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    return dict(resolve(schema))


def _body(model: type[BaseModel]) -> dict[str, Any]:
    schema = inline_schema(model)
    return {"required": True, "content": {media: {"schema": schema} for media in BODY_TYPES}}


def _answers(status: int, model: type[BaseModel], what: str) -> dict[int | str, dict[str, Any]]:
    schema = inline_schema(model, "serialization")
    content = {media: {"schema": schema} for media in JSON_TYPES}
    return {status: {"description": what, "content": content}}


async def _read(request: Request, model: type[M], content_type: str | None) -> M:
    """The body as `model`: 413 when too large, 415 unless JSON, 422 when not valid."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ApiError(413, f"the body is larger than {MAX_BODY} bytes")
    media = media_of(content_type)
    if media is not None and media not in BODY_TYPES:
        raise ApiError(415, f"send application/json or text/json, not {media}")
    try:
        return model.model_validate_json(body)
    except ValidationError as error:
        details = [
            {
                "location": ".".join(["body", *(str(part) for part in problem["loc"])]),
                "message": problem["msg"],
                "type": problem["type"],
            }
            for problem in error.errors(include_url=False, include_input=False)
        ]
        raise ApiError(422, f"the body is not a valid {model.__name__}", details=details) from None


def _check_ids(body: EvChargingInformationReq, ref: DeviceRef) -> None:
    """422 naming each body id that names another record than the path."""
    gateway = ref.gateway
    given = {
        "CustomerId": (body.CustomerId, gateway.customer_id, "customerId"),
        "ContractId": (body.ContractId, gateway.contract_no, "contractNo"),
        "GatewayAssetId": (body.GatewayAssetId, gateway.gateway_id, "gatewayAssetId"),
        "DeviceAssetId": (body.DeviceAssetId, ref.device_id, "deviceAssetId"),
    }
    problems = [
        {
            "location": f"body.{name}",
            "message": f"{name} {value!r} contradicts the path's {param} {expected}",
            "type": "path_mismatch",
        }
        for name, (value, expected, param) in given.items()
        if value is not None and _as_id(value) != expected
    ]
    if problems:
        names = ", ".join(problem["location"].removeprefix("body.") for problem in problems)
        raise ApiError(422, f"the body's {names} contradicts the path", details=problems)


def _as_id(value: str | int) -> int | None:
    """A body id as a number: CustomerId comes as a string ("7")."""
    if isinstance(value, int):
        return value
    return int(value) if re.fullmatch(r"[0-9]{1,10}", value) else None


def _details(body: EvChargingInformationReq) -> EvDetails:
    return EvDetails(
        charging_mode=ChargingMode(body.ChargingMode),
        smart_mode_is_active=body.SmartModeIsActive,
        car_info_id=body.CarInfoId,
        car_manufacturer=body.CarManufacturer,
        car_model=body.CarModel,
        car_generation=body.CarGeneration,
        gross_battery_kwh=body.GrossBatterySize,
        net_battery_kwh=body.NetBatterySize,
        battery_level_percent=body.BatteryLevel,
        fully_charged_by=body.FullyChargedBy,
    )


def _reference_error(error: InvalidValue) -> ApiError:
    return invalid_value(error, f"body.{FIELDS.get(error.field, error.field)}")


def _answer(
    model: BaseModel, accept: str | None, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    media = "text/json" if media_of(accept) == "text/json" else "application/json"
    return Response(model.model_dump_json(), status, headers, media_type=media)


ContentType = Annotated[str | None, Header()]
Accept = Annotated[str | None, Header()]
_ENTITY = "The device's EV charging information."


@router.post(
    PATH,
    summary="Create the EV charging information of a device (reference 03)",
    status_code=201,
    response_class=Response,
    responses={
        **_answers(201, EvChargingInformation, "Created: the new entity (Location: its URL)."),
        **error_responses(409, 413, 415),
    },
    openapi_extra={"requestBody": _body(EvChargingInformationReq)},
)
async def create_ev_info(
    request: Request,
    ref: DevicePath,
    _: Operator,
    services: ServicesDep,
    content_type: ContentType = None,
    accept: Accept = None,
) -> Response:
    """404 names the missing customer, contract, gateway or device; 409 when the device has
    EV charging information already (replace it with PUT)."""
    body = await _read(request, EvChargingInformationReq, content_type)
    _check_ids(body, ref)
    try:
        path, info = await services.ev_charging.create(ref, _details(body))
    except InvalidValue as error:
        raise _reference_error(error) from None
    entity = EvChargingInformation.of(path, info)
    return _answer(entity, accept, 201, {"Location": request.url.path})


@router.get(
    PATH,
    summary="Get the EV charging information of a device",
    response_class=Response,
    responses=_answers(200, EvChargingInformation, _ENTITY),
)
async def get_ev_info(
    ref: DevicePath, _: Viewer, services: ServicesDep, accept: Accept = None
) -> Response:
    """404 names what is missing: a record of the path, or the information itself."""
    path, info = await services.ev_charging.get(ref)
    return _answer(EvChargingInformation.of(path, info), accept)


@router.put(
    PATH,
    summary="Replace the EV charging information of a device",
    response_class=Response,
    responses={**_answers(200, EvChargingInformation, _ENTITY), **error_responses(413, 415)},
    openapi_extra={"requestBody": _body(EvChargingInformationReq)},
)
async def replace_ev_info(
    request: Request,
    ref: DevicePath,
    _: Operator,
    services: ServicesDep,
    content_type: ContentType = None,
    accept: Accept = None,
) -> Response:
    """The whole entity as in POST: fields left out become empty (ChargingMode: 0). 404
    when the device has none yet (create it with POST)."""
    body = await _read(request, EvChargingInformationReq, content_type)
    _check_ids(body, ref)
    details = _details(body)
    try:
        path, info = await services.ev_charging.update(ref, lambda _: details)
    except InvalidValue as error:
        raise _reference_error(error) from None
    return _answer(EvChargingInformation.of(path, info), accept)


@router.delete(PATH, summary="Remove the EV charging information of a device", status_code=204)
async def delete_ev_info(ref: DevicePath, _: Operator, services: ServicesDep) -> Response:
    """The device stays (and may then be removed itself)."""
    await services.ev_charging.delete(ref)
    return Response(status_code=204)


@router.patch(
    PATH + "/smartcharge",
    summary="Update the battery level and deadline of a device's car",
    response_class=Response,
    responses={**_answers(200, EvChargingInformation, _ENTITY), **error_responses(413, 415)},
    openapi_extra={"requestBody": _body(SmartChargeReq)},
)
async def update_smart_charge(
    request: Request,
    ref: DevicePath,
    _: Operator,
    services: ServicesDep,
    content_type: ContentType = None,
    accept: Accept = None,
) -> Response:
    """`BatteryLevel` and `FullyChargedBy` only (anything else is 422): the ones sent
    change, ``null`` clears one. The next charge plan uses them."""
    body = await _read(request, SmartChargeReq, content_type)
    sent = body.model_fields_set
    if not sent:
        raise ApiError(422, "send BatteryLevel or FullyChargedBy (or both)")

    changes: dict[str, Any] = {}
    if "BatteryLevel" in sent:
        changes["battery_level_percent"] = body.BatteryLevel
    if "FullyChargedBy" in sent:
        changes["fully_charged_by"] = body.FullyChargedBy
    path, info = await services.ev_charging.update(ref, lambda old: replace(old, **changes))
    return _answer(EvChargingInformation.of(path, info), accept)


@router.get(
    PATH + "/chargeplan",
    summary="The charge plan of a device",
    response_class=Response,
    responses=_answers(200, ChargePlanResp, "When the device charges, how much, and why."),
)
async def get_charge_plan(
    ref: DevicePath, _: Viewer, services: ServicesDep, accept: Accept = None
) -> Response:
    """Computed now from the EV charging information, the power the device may draw and
    the clock: start, end, total charge time, energy into the battery and from the grid,
    hour-by-hour slots, whether the target is reached by FullyChargedBy, and why."""
    planned = await services.ev_charging.plan(ref)
    return _answer(ChargePlanResp.of(planned.info, planned.plan, planned.now), accept)
