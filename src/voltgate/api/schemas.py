"""The public shapes of the REST API (DTOs), and how each is made from domain objects.

They follow `api.conventions`. No secret is ever part of an output shape except the one
answer that creates it (`ApiKeyCreated.key`, `LoginOut.token`), which is its only showing.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from voltgate.api.charging_point_schemas import EvseOut, NetworkIn, NetworkOut
from voltgate.api.conventions import (
    ApiModel,
    Email,
    IdTag,
    Message,
    Name,
    NewPassword,
    Password,
    StationId,
    UtcDateTime,
    to_api,
)
from voltgate.api.enums import (
    AuthStatus,
    ConnectorStatus,
    PrincipalKind,
    Registration,
    Role,
    SuspectFlag,
    TokenStatus,
    TokenType,
    TransactionEventType,
    TransactionStatus,
    connector_status,
)
from voltgate.api.station_model_schemas import ModelId
from voltgate.domain import access, authorization
from voltgate.domain.charging_points import EvseView
from voltgate.domain.events import StationEvent
from voltgate.domain.queries import EventEntry
from voltgate.domain.readings import MeterReading
from voltgate.domain.stations import Station, StationView
from voltgate.domain.transaction_events import StoredTransactionEvent
from voltgate.domain.transactions import Transaction

# --- Access


class WhoAmI(ApiModel):
    """The caller of a request."""

    kind: PrincipalKind
    id: str
    name: str
    role: Role

    @classmethod
    def of(cls, principal: access.Principal) -> WhoAmI:
        return cls(
            kind=to_api(PrincipalKind, principal.kind),
            id=principal.id,
            name=principal.name,
            role=to_api(Role, principal.role),
        )


class LoginIn(ApiModel):
    """A password login: the user's name or email, any letter case."""

    login: Name
    password: Password


class UserOut(ApiModel):
    """A user (never the password or its hash)."""

    id: str
    name: str
    email: str | None
    role: Role
    active: bool
    created_at: UtcDateTime
    disabled_at: UtcDateTime | None

    @classmethod
    def of(cls, user: access.User) -> UserOut:
        return cls(
            id=user.id,
            name=user.name,
            email=user.email,
            role=to_api(Role, user.role),
            active=user.active,
            created_at=user.created_at,
            disabled_at=user.disabled_at,
        )


class LoginOut(ApiModel):
    """A login token: send it as ``Authorization: Bearer <token>`` until `expiresAt`."""

    token: str = Field(description="Shown once; only its hash is stored.")
    expires_at: UtcDateTime
    user: UserOut


class UserIn(ApiModel):
    """A new user."""

    name: Name
    email: Email | None = None
    role: Role
    password: NewPassword


class UserPatch(ApiModel):
    """Changes to a user; a new password ends the user's login tokens."""

    role: Role | None = None
    email: Email | None = None
    password: NewPassword | None = None


class ApiKeyIn(ApiModel):
    """A new API key."""

    name: Name
    role: Role


class ApiKeyOut(ApiModel):
    """An API key (its secret is never shown again; `prefix` tells keys apart)."""

    id: str
    name: str
    role: Role
    prefix: str
    active: bool
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None
    revoked_at: UtcDateTime | None

    @classmethod
    def of(cls, key: access.ApiKey) -> ApiKeyOut:
        return cls(
            id=key.id,
            name=key.name,
            role=to_api(Role, key.role),
            prefix=key.prefix,
            active=key.active,
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )


class ApiKeyCreated(ApiKeyOut):
    """A new API key with its secret: store it now, it is never shown again."""

    key: str = Field(description="The secret: send it as `Authorization: Bearer <key>`.")


# --- Stations


class StationIn(ApiModel):
    """A station to provision."""

    id: StationId
    password: Password | None = Field(
        default=None, description="HTTP Basic auth password (security profile 1/2), hashed."
    )
    registration: Registration = Registration.ACCEPTED
    model_id: ModelId | None = Field(
        default=None, description="Its model in the catalog (not an archived one)."
    )


class StationPatch(ApiModel):
    """Changes to a station: at least one field; what is left out stays. `network` replaces
    the station's network settings as a whole; `modelId` null unlinks its model."""

    registration: Registration | None = None
    network: NetworkIn | None = None
    model_id: ModelId | None = Field(
        default=None, description="Its model in the catalog (not an archived one)."
    )

    @model_validator(mode="after")
    def _something(self) -> StationPatch:
        if not self.model_fields_set:
            raise ValueError("give registration, network and/or modelId")
        if "registration" in self.model_fields_set and self.registration is None:
            raise ValueError("registration cannot be null")
        return self


class StationPasswordIn(ApiModel):
    """A new Basic auth password to store (give the station the same one yourself)."""

    password: Password | None


class StationOut(ApiModel):
    """A station as listed. `protocol` is the OCPP subprotocol of its latest connection."""

    id: str
    registration: Registration
    protocol: str | None
    connected: bool
    connected_at: UtcDateTime | None
    disconnected_at: UtcDateTime | None
    remote_address: str | None
    vendor: str | None
    model: str | None
    serial_number: str | None
    firmware_version: str | None
    last_boot_at: UtcDateTime | None
    last_boot_reason: str | None
    last_heartbeat_at: UtcDateTime | None
    status: ConnectorStatus | None
    error_code: str | None
    password_set: bool
    created_at: UtcDateTime | None
    model_id: str | None = Field(description="Its model in the catalog, chosen or matched.")

    @classmethod
    def of(cls, station: Station) -> StationOut:
        return cls(**_station_fields(station))


class StationDetail(StationOut):
    """A station with its network settings, EVSEs and connectors."""

    iccid: str | None
    imsi: str | None
    meter_type: str | None
    meter_serial_number: str | None
    network: NetworkOut
    evses: list[EvseOut]

    @classmethod
    def of_view(cls, view: StationView) -> StationDetail:
        st = view.station
        evses = [
            EvseOut.of(
                EvseView(st, evse, tuple(c for c in view.connectors if c.evse_id == evse.evse_id))
            )
            for evse in view.evses
        ]
        return cls(
            **_station_fields(st),
            iccid=st.iccid,
            imsi=st.imsi,
            meter_type=st.meter_type,
            meter_serial_number=st.meter_serial_number,
            network=NetworkOut.of(st.network),
            evses=evses,
        )


def _station_fields(station: Station) -> dict[str, Any]:
    return {
        "id": station.id,
        "registration": to_api(Registration, station.registration),
        "protocol": station.protocol,
        "connected": station.connected,
        "connected_at": station.connected_at,
        "disconnected_at": station.disconnected_at,
        "remote_address": station.remote_address,
        "vendor": station.vendor,
        "model": station.model,
        "serial_number": station.serial_number,
        "firmware_version": station.firmware_version,
        "last_boot_at": station.last_boot_at,
        "last_boot_reason": station.last_boot_reason,
        "last_heartbeat_at": station.last_heartbeat_at,
        "status": connector_status(station.status),
        "error_code": station.error_code,
        "password_set": station.password_hash is not None,
        "created_at": station.created_at,
        "model_id": station.model_id,
    }


class PasswordRotationOut(ApiModel):
    """What the station answered to its new password (the password is never shown)."""

    accepted: bool
    answer: dict[str, Any]


class StationEventOut(ApiModel):
    """A notification a station sent, stored as it came (`payload` in OCPP's spelling)."""

    id: int
    station_id: str
    kind: str = Field(description="The OCPP action, e.g. SecurityEventNotification.")
    at: UtcDateTime | None = Field(description="The station's timestamp, when it gave one.")
    received_at: UtcDateTime | None
    payload: dict[str, Any]

    @classmethod
    def of(cls, entry: EventEntry) -> StationEventOut:
        event: StationEvent = entry.event
        return cls(
            id=entry.id,
            station_id=event.station_id,
            kind=event.kind,
            at=event.at,
            received_at=event.received_at,
            payload=event.payload,
        )


# --- Id tokens


class IdTokenOut(ApiModel):
    """A provisioned id token."""

    id_tag: str
    status: TokenStatus
    expires_at: UtcDateTime | None
    parent_id_tag: str | None = Field(description="The group: 1.6 parentIdTag, 2.0.1 groupIdToken.")
    type: TokenType | None
    personal_message: str | None

    @classmethod
    def of(cls, token: authorization.IdToken) -> IdTokenOut:
        return cls(
            id_tag=token.id_tag,
            status=to_api(TokenStatus, token.status),
            expires_at=token.expiry,
            parent_id_tag=token.parent_id_tag,
            type=None if token.type is None else to_api(TokenType, token.type),
            personal_message=token.personal_message,
        )


class IdTokenIn(ApiModel):
    """A new id token (1.6 idTag or 2.0.1 idToken); compared in any letter case."""

    id_tag: IdTag
    status: TokenStatus = TokenStatus.ACCEPTED
    expires_at: UtcDateTime | None = None
    parent_id_tag: IdTag | None = None
    type: TokenType | None = None
    personal_message: Message | None = None


class IdTokenPatch(ApiModel):
    """Changes to an id token; a field given as null is cleared, one left out is kept."""

    status: TokenStatus | None = None
    expires_at: UtcDateTime | None = None
    parent_id_tag: IdTag | None = None
    type: TokenType | None = None
    personal_message: Message | None = None


# --- Transactions


class TransactionOut(ApiModel):
    """A charging transaction of either OCPP version.

    `stationTransactionId` is the id a 2.0.1 station gave it; `reportedId` the id a 1.6
    station named in a stop the CSMS never issued (then `unmatched`).
    """

    id: int
    station_id: str
    evse_id: int
    connector_id: int
    status: TransactionStatus
    station_transaction_id: str | None
    id_tag: str | None
    auth_status: AuthStatus | None
    reservation_id: int | None
    started_at: UtcDateTime | None
    stopped_at: UtcDateTime | None
    meter_start_wh: int | None
    meter_stop_wh: int | None
    energy_wh: float | None
    stop_reason: str | None
    stop_id_tag: str | None
    reading_count: int
    suspect: list[SuspectFlag]
    unmatched: bool
    reported_id: int | None

    @classmethod
    def of(cls, tx: Transaction) -> TransactionOut:
        return cls(**_transaction_fields(tx))


def _transaction_fields(tx: Transaction) -> dict[str, Any]:
    return {
        "id": tx.id,
        "station_id": tx.station_id,
        "evse_id": tx.evse_id,
        "connector_id": tx.connector_id,
        "status": TransactionStatus.OPEN if tx.stopped_at is None else TransactionStatus.CLOSED,
        "station_transaction_id": tx.remote_id,
        "id_tag": tx.id_tag,
        "auth_status": None if tx.auth_status is None else to_api(AuthStatus, tx.auth_status),
        "reservation_id": tx.reservation_id,
        "started_at": tx.started_at,
        "stopped_at": tx.stopped_at,
        "meter_start_wh": tx.meter_start_wh,
        "meter_stop_wh": tx.meter_stop_wh,
        "energy_wh": tx.energy_wh,
        "stop_reason": tx.stop_reason,
        "stop_id_tag": tx.stop_id_tag,
        "reading_count": tx.reading_count,
        "suspect": sorted(to_api(SuspectFlag, flag) for flag in tx.suspect),
        "unmatched": tx.unmatched,
        "reported_id": tx.reported_id,
    }


class MeterValueOut(ApiModel):
    """One sampled value: as reported (`valueRaw`, `unitRaw`) and normalised (`value` in
    `unit`, e.g. kWh -> Wh). Measurand, phase, location and context are OCPP's spelling."""

    at: UtcDateTime
    measurand: str
    phase: str | None
    location: str
    context: str
    value: float | None
    unit: str | None
    value_raw: str
    unit_raw: str | None
    format: str
    signed_data: str | None
    suspect: list[SuspectFlag]

    @classmethod
    def of(cls, reading: MeterReading) -> MeterValueOut:
        sample = reading.sample
        return cls(
            at=sample.at,
            measurand=sample.measurand,
            phase=sample.phase,
            location=sample.location,
            context=sample.context,
            value=sample.value,
            unit=sample.unit,
            value_raw=sample.value_raw,
            unit_raw=sample.unit_raw,
            format=sample.format,
            signed_data=sample.signed_data,
            suspect=sorted(to_api(SuspectFlag, flag) for flag in reading.flags),
        )


class TransactionEventOut(ApiModel):
    """One OCPP 2.0.1 TransactionEvent of the transaction, as stored."""

    seq_no: int
    event_type: TransactionEventType
    at: UtcDateTime
    trigger_reason: str
    offline: bool
    charging_state: str | None
    stopped_reason: str | None
    id_token: str | None
    evse_id: int | None
    connector_id: int | None
    sample_count: int
    received_at: UtcDateTime
    remote_start_id: int | None
    reservation_id: int | None
    number_of_phases_used: int | None
    cable_max_current_a: int | None
    time_spent_charging_s: int | None

    @classmethod
    def of(cls, event: StoredTransactionEvent) -> TransactionEventOut:
        return cls(
            seq_no=event.seq_no,
            event_type=to_api(TransactionEventType, event.event_type),
            at=event.timestamp,
            trigger_reason=event.trigger_reason,
            offline=event.offline,
            charging_state=event.charging_state,
            stopped_reason=event.stopped_reason,
            id_token=event.id_token,
            evse_id=event.evse_id,
            connector_id=event.connector_id,
            sample_count=event.sample_count,
            received_at=event.received_at,
            remote_start_id=event.remote_start_id,
            reservation_id=event.reservation_id,
            number_of_phases_used=event.number_of_phases_used,
            cable_max_current_a=event.cable_max_current_a,
            time_spent_charging_s=event.time_spent_charging_s,
        )


class TransactionDetail(TransactionOut):
    """A transaction with its meter values and, for 2.0.1, its TransactionEvents."""

    meter_values: list[MeterValueOut]
    events: list[TransactionEventOut]
