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
from voltgate.domain.authorization import IdToken, TokenStatus
from voltgate.domain.stations import Registration, Station, StationView
from voltgate.domain.transactions import Transaction


async def add_station(
    settings: Settings, station_id: str, password: str | None, *, pending: bool
) -> Station:
    """Provision a station (or update its password and registration)."""
    registration = Registration.PENDING if pending else Registration.ACCEPTED
    async with open_services(settings) as (_, services):
        return await services.stations.add(station_id, password, registration=registration)


async def add_token(
    settings: Settings,
    id_tag: str,
    status: str,
    expires: datetime | None,
    parent_id_tag: str | None,
) -> IdToken:
    """Add or update an id token; a naive expiry is taken as UTC."""
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    async with open_services(settings) as (_, services):
        return await services.authorization.add_token(
            id_tag, status=TokenStatus(status.upper()), expiry=expires, parent_id_tag=parent_id_tag
        )


async def station_view(settings: Settings, station_id: str) -> StationView | None:
    """Everything stored about one station."""
    async with open_services(settings) as (_, services):
        return await services.stations.get_view(station_id)


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
