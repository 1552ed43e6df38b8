"""Offline administration used by the CLI: provisioning and inspection without the servers.

Each function opens the storage (migrating it first), does one thing through the same
domain services the gateway uses, and closes it again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from voltgate.app import open_services
from voltgate.config import Settings
from voltgate.domain.authorization import IdToken, TokenStatus, TokenType
from voltgate.domain.device_model import DeviceVariable, ReportSummary
from voltgate.domain.stations import Registration, Station, StationView
from voltgate.domain.transactions import Transaction


async def add_station(
    settings: Settings, station_id: str, password: str | None, *, pending: bool
) -> Station:
    """Provision a station (or update its password and registration)."""
    registration = Registration.PENDING if pending else Registration.ACCEPTED
    async with open_services(settings) as (_, _, services):
        return await services.stations.add(station_id, password, registration=registration)


async def add_token(
    settings: Settings,
    id_tag: str,
    status: str,
    expires: datetime | None,
    parent_id_tag: str | None,
    *,
    token_type: str | None = None,
    personal_message: str | None = None,
) -> IdToken:
    """Add or update an id token; a naive expiry is taken as UTC."""
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    async with open_services(settings) as (_, _, services):
        return await services.authorization.add_token(
            id_tag,
            status=TokenStatus(status),
            expiry=expires,
            parent_id_tag=parent_id_tag,
            type=None if token_type is None else TokenType(token_type),
            personal_message=personal_message,
        )


async def station_view(settings: Settings, station_id: str) -> StationView | None:
    """Everything stored about one station."""
    async with open_services(settings) as (_, _, services):
        return await services.stations.get_view(station_id)


async def station_variables(
    settings: Settings, station_id: str, component: str | None, variable: str | None
) -> tuple[list[DeviceVariable], list[ReportSummary]] | None:
    """A station's stored device model (optionally one component and/or variable) and the
    reports it came from; None for an unknown station."""
    async with open_services(settings) as (_, _, services):
        if await services.stations.get(station_id) is None:
            return None
        found = await services.device_model.variables(
            station_id, component=component, variable=variable
        )
        return found, await services.device_model.reports(station_id)


def _when(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z") if at else None


def _transaction(tx: Transaction) -> dict[str, Any]:
    return {
        "id": tx.id,
        "evseId": tx.evse_id,
        "connectorId": tx.connector_id,
        "idTag": tx.id_tag,
        "startedAt": _when(tx.started_at),
        "stoppedAt": _when(tx.stopped_at),
        "meterStartWh": tx.meter_start_wh,
        "meterStopWh": tx.meter_stop_wh,
        "energyWh": tx.energy_wh,
        "stopReason": tx.stop_reason,
        "readingCount": tx.reading_count,
        "suspect": sorted(flag.value for flag in tx.suspect),
        "unmatched": tx.unmatched,
        "reportedId": tx.reported_id,
    }


def view_dict(view: StationView) -> dict[str, Any]:
    """The station view as JSON-ready camelCase data (no secrets)."""
    st = view.station
    return {
        "id": st.id,
        "registration": st.registration.value,
        "protocol": st.protocol,
        "connected": st.connected,
        "vendor": st.vendor,
        "model": st.model,
        "serialNumber": st.serial_number,
        "firmwareVersion": st.firmware_version,
        "lastBootAt": _when(st.last_boot_at),
        "lastHeartbeatAt": _when(st.last_heartbeat_at),
        "status": st.status,
        "passwordSet": st.password_hash is not None,
        "modelId": st.model_id,
        "connectors": [
            {
                "evseId": c.evse_id,
                "connectorId": c.connector_id,
                "status": c.status,
                "errorCode": c.error_code,
                "info": c.info,
                "vendorErrorCode": c.vendor_error_code,
                "statusAt": _when(c.status_at),
            }
            for c in view.connectors
        ],
        "transactions": [_transaction(tx) for tx in view.transactions],
    }


def view_json(view: StationView) -> str:
    """`voltgate station show --json`."""
    return json.dumps(view_dict(view), indent=2)


def view_text(view: StationView) -> str:
    """`voltgate station show`: a readable summary."""
    data = view_dict(view)
    lines = [
        f"Station {data['id']}  ({data['registration'].lower()}, "
        f"{'connected' if data['connected'] else 'offline'}"
        f"{', ' + data['protocol'] if data['protocol'] else ''})",
        f"  vendor/model   {data['vendor'] or '-'} / {data['model'] or '-'}"
        f"   firmware {data['firmwareVersion'] or '-'}",
        f"  last boot      {data['lastBootAt'] or '-'}"
        f"   last heartbeat {data['lastHeartbeatAt'] or '-'}",
        f"  status         {data['status'] or '-'}",
        f"  model          {data['modelId'] or '-'}",
        "",
        "Connectors",
    ]
    if not data["connectors"]:
        lines.append("  (none reported)")
    for c in data["connectors"]:
        error = "" if c["errorCode"] in (None, "NoError") else f"  error {c['errorCode']}"
        lines.append(
            f"  EVSE {c['evseId']} connector {c['connectorId']}: {c['status'] or '-'}"
            f"{error}   since {c['statusAt'] or '-'}"
        )
    lines += ["", "Transactions"]
    if not data["transactions"]:
        lines.append("  (none)")
    for tx in data["transactions"]:
        energy = "-" if tx["energyWh"] is None else f"{tx['energyWh']:.0f} Wh"
        flags = f"  SUSPECT: {', '.join(tx['suspect'])}" if tx["suspect"] else ""
        ident = f"#{tx['id']}" + (
            f" (reported as {tx['reportedId']}, unmatched)" if tx["unmatched"] else ""
        )
        lines.append(
            f"  {ident}  EVSE {tx['evseId']}  tag {tx['idTag'] or '-'}  "
            f"{tx['startedAt'] or '?'} -> {tx['stoppedAt'] or 'ongoing'}  "
            f"meter {tx['meterStartWh'] if tx['meterStartWh'] is not None else '?'}"
            f" -> {tx['meterStopWh'] if tx['meterStopWh'] is not None else '?'} Wh  "
            f"energy {energy}  readings {tx['readingCount']}{flags}"
        )
    return "\n".join(lines)


def variables_dict(
    station_id: str, found: list[DeviceVariable], reports: list[ReportSummary]
) -> dict[str, Any]:
    """`voltgate station variables --json`: one entry per stored attribute, in the wire
    names of 2.0.1 ReportDataType, and the reports received."""
    return {
        "stationId": station_id,
        "variables": [_device_variable(row) for row in found],
        "reports": [
            {
                "requestId": r.request_id,
                "complete": r.complete,
                "parts": r.parts,
                "variables": r.variables,
                "generatedAt": _when(r.generated_at),
                "receivedAt": _when(r.last_received_at),
            }
            for r in reports
        ],
    }


def _device_variable(row: DeviceVariable) -> dict[str, Any]:
    a, attr, ch = row.address, row.attribute, row.characteristics
    evse = None if a.evse_id is None else {"id": a.evse_id, "connectorId": a.connector_id}
    return {
        "component": {"name": a.component, "instance": a.component_instance, "evse": evse},
        "variable": {"name": a.variable, "instance": a.variable_instance},
        "attribute": {
            "type": attr.type.value,
            "value": attr.value,
            "mutability": attr.mutability,
            "persistent": attr.persistent,
            "constant": attr.constant,
        },
        "characteristics": None
        if ch is None
        else {
            "dataType": ch.data_type,
            "unit": ch.unit,
            "minLimit": ch.min_limit,
            "maxLimit": ch.max_limit,
            "valuesList": ch.values_list,
            "supportsMonitoring": ch.supports_monitoring,
        },
        "reportedAt": _when(row.reported_at),
        "requestId": row.request_id,
    }


def variables_json(
    station_id: str, found: list[DeviceVariable], reports: list[ReportSummary]
) -> str:
    """`voltgate station variables --json`."""
    return json.dumps(variables_dict(station_id, found, reports), indent=2)


def variables_text(
    station_id: str, found: list[DeviceVariable], reports: list[ReportSummary]
) -> str:
    """`voltgate station variables`: one line per attribute, grouped by component."""
    lines = [f"Device model of {station_id}"]
    if not reports:
        lines.append("  (no report received)")
    for r in reports:
        state = "complete" if r.complete else "incomplete"
        lines.append(
            f"  report {r.request_id}: {state}, {r.parts} part(s), {r.variables} variable(s),"
            f" generated {_when(r.generated_at)}"
        )
    current = None
    for row in found:
        a, attr, ch = row.address, row.attribute, row.characteristics
        component = a.component + (f"[{a.component_instance}]" if a.component_instance else "")
        if a.evse_id is not None:
            component += f" EVSE {a.evse_id}"
            if a.connector_id is not None:
                component += f" connector {a.connector_id}"
        if component != current:
            lines += ["", component]
            current = component
        name = a.variable + (f"[{a.variable_instance}]" if a.variable_instance else "")
        value = "(unset)" if attr.value is None else attr.value
        unit = f" {ch.unit}" if ch is not None and ch.unit else ""
        data_type = f"  {ch.data_type}" if ch is not None else ""
        lines.append(f"  {name} {attr.type.value} = {value}{unit}  ({attr.mutability}){data_type}")
    if not found:
        lines += ["", "(no variables stored)"]
    return "\n".join(lines)
