"""Charging points: an EVSE as operators describe it, and the rules for changing it.

A *charging point* (reference 01, "nabíjecí bod") is what OCPP 2.0.1 calls an EVSE: where
one vehicle charges, with one or more connectors. Stations report its live state (connector
statuses, meter registers); operators state the rest: hardware (`domain.equipment`),
identity (EvseId, code, external id), public attributes, payment, roaming flags and the
operator status. This module holds the pure rules: EvseId syntax, how a change applies
(optimistic locking with `Evse.version`, hardware replaced as a whole, limits within the
nominal ratings), what follows from the records (technical status, authorisation modes in
use, payment options).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from voltgate.domain.authorization import IdToken, TokenType
from voltgate.domain.equipment import (
    ConnectorEquipment,
    Ratings,
    available_ratings,
    limit_problems,
    nominal_ratings,
)
from voltgate.domain.errors import InvalidValue, StaleVersion
from voltgate.domain.stations import Connector, Evse, Station
from voltgate.domain.transactions import Transaction

# ISO 15118-2 Annex H / eMI3 EVSE ID: country (ISO 3166-1 alpha-2), "*", operator id (3
# alphanumerics), "*", "E" and the power outlet id (alphanumerics and "*", 1-30); the "*"
# separators are optional. Compared and stored in upper case. At most 37 characters.
EMI3_ID = re.compile(r"^[A-Z]{2}\*?[A-Z0-9]{3}\*?E[A-Z0-9][A-Z0-9*]{0,29}$")

TRANSACTION_WINDOW = 50
"""How many of an EVSE's newest transactions a charging point record carries."""

EDITABLE = frozenset(
    f.name
    for f in fields(Evse)
    if f.name
    not in {
        "station_id",
        "evse_id",
        "last_register_wh",
        "last_register_at",
        "number",
        "version",
        "modified_at",
    }
)
"""The EVSE fields an operator sets (the rest are identity, reports and bookkeeping)."""

_FRESH = {name: getattr(Evse("", 0), name) for name in EDITABLE}


class AuthMode(enum.StrEnum):
    """How drivers start charging on an EVSE."""

    RFID = "RFID"
    REMOTE_START = "REMOTE_START"
    PLUG_AND_CHARGE = "PLUG_AND_CHARGE"
    AUTOCHARGE = "AUTOCHARGE"
    KEY_CODE = "KEY_CODE"
    LOCAL = "LOCAL"
    NO_AUTHORIZATION = "NO_AUTHORIZATION"


class PaymentOption(enum.StrEnum):
    """How a driver may pay at an EVSE without a contract."""

    DIRECT_PAYMENT = "DIRECT_PAYMENT"
    PAYMENT_TERMINAL = "PAYMENT_TERMINAL"


# OCPP 2.0.1 IdTokenEnumType -> mode; a token without a type (a 1.6 idTag) is a card.
_MODE_OF_TOKEN_TYPE = {
    TokenType.ISO14443: AuthMode.RFID,
    TokenType.ISO15693: AuthMode.RFID,
    TokenType.EMAID: AuthMode.PLUG_AND_CHARGE,
    TokenType.MAC_ADDRESS: AuthMode.AUTOCHARGE,
    TokenType.KEY_CODE: AuthMode.KEY_CODE,
    TokenType.LOCAL: AuthMode.LOCAL,
    TokenType.NO_AUTHORIZATION: AuthMode.NO_AUTHORIZATION,
    TokenType.CENTRAL: AuthMode.REMOTE_START,
}

# Which connector status stands for the EVSE, first match wins: a vehicle in use on any
# connector occupies the EVSE (one vehicle at a time), then reserved, faulted, ...
_STATUS_PRIORITY = (
    "Charging",
    "SuspendedEV",
    "SuspendedEVSE",
    "Preparing",
    "Finishing",
    "Occupied",
    "Reserved",
    "Faulted",
    "Unavailable",
    "Available",
)


@dataclass(frozen=True, slots=True)
class ConnectorSpec:
    """A connector of an EVSE as the operator describes it."""

    connector_id: int
    equipment: ConnectorEquipment


@dataclass(frozen=True, slots=True)
class EvseChange:
    """An operator's change to an EVSE.

    `values` are EVSE fields (names in `EDITABLE`) to set. `connectors`, when given,
    describe the EVSE's hardware as a whole: listed connectors get this equipment (created
    if missing), the others keep their reported status but lose their equipment. `version`,
    when given, must be the stored one. `replace` (PUT): fields not in `values` go back to
    their defaults.
    """

    values: Mapping[str, Any]
    connectors: tuple[ConnectorSpec, ...] | None = None
    version: int | None = None
    replace: bool = False


@dataclass(frozen=True, slots=True)
class EvseView:
    """An EVSE with its station and connectors, and what follows from them."""

    station: Station
    evse: Evse
    connectors: tuple[Connector, ...]

    @property
    def nominal(self) -> Ratings:
        """Rated output, from the connectors."""
        return nominal_ratings(c.equipment for c in self.connectors)

    @property
    def available(self) -> Ratings:
        """What the site allows now: the operator's limits, else the nominal values."""
        return available_ratings(self.nominal, limit_of(self.evse))

    @property
    def status(self) -> str | None:
        """The technical status (OCPP spelling) that stands for the EVSE's connectors."""
        reported = {c.status for c in self.connectors}
        return next((status for status in _STATUS_PRIORITY if status in reported), None)

    @property
    def status_changed_at(self) -> datetime | None:
        """When a connector's status last changed."""
        times = [c.status_changed_at for c in self.connectors if c.status_changed_at]
        return max(times) if times else None


@dataclass(frozen=True, slots=True)
class ChargingPoint:
    """Everything reference 01 answers about one EVSE.

    `transactions` are its newest (at most `TRANSACTION_WINDOW`, newest first); `tokens`
    the id tags used in them, newest first, with their provisioned record (None for a tag
    that is not provisioned); `auth_modes` how those transactions were started.
    """

    view: EvseView
    transactions: tuple[Transaction, ...]
    tokens: tuple[tuple[str, IdToken | None], ...]
    auth_modes: tuple[AuthMode, ...]

    @property
    def payment_options(self) -> tuple[PaymentOption, ...]:
        """The payment options the EVSE's flags state."""
        evse = self.view.evse
        options = []
        if evse.direct_payment_allowed:
            options.append(PaymentOption.DIRECT_PAYMENT)
        if evse.payment_terminal:
            options.append(PaymentOption.PAYMENT_TERMINAL)
        return tuple(options)


def limit_of(evse: Evse) -> Ratings:
    """The operator's limits of an EVSE's output."""
    return Ratings(evse.limit_voltage_v, evse.limit_current_a, evse.limit_power_w)


def checked_emi3_id(value: str) -> str:
    """The EvseId in upper case, or InvalidValue (e.g. ``CZ*ABC*E12345*1``)."""
    normalised = value.upper()
    if len(normalised) > 37 or not EMI3_ID.match(normalised):
        raise InvalidValue(
            "emi3_id", f"{value!r} is not an EVSE ID of the form CC*OOO*E<outlet>, e.g. DE*ABC*E1"
        )
    return normalised


def apply_change(
    evse: Evse, connectors: Iterable[Connector], change: EvseChange, now: datetime
) -> tuple[Evse, tuple[Connector, ...]]:
    """The EVSE and its connectors after `change`; the version moves on only if something
    changed.

    Raises:
        StaleVersion: `change.version` is not the stored version.
        InvalidValue: an unknown field, a malformed EvseId, a terminal id without a
            terminal, or a limit above the nominal rating it limits.
    """
    if change.version is not None and change.version != evse.version:
        raise StaleVersion(
            "EVSE", f"{evse.station_id}/{evse.evse_id}", change.version, evse.version
        )
    unknown = set(change.values) - EDITABLE
    if unknown:
        raise InvalidValue(sorted(unknown)[0], "not a field an operator sets")
    values = {**(_FRESH if change.replace else {}), **change.values}
    if values.get("emi3_id") is not None:
        values["emi3_id"] = checked_emi3_id(values["emi3_id"])
    updated = replace(evse, **values)
    if updated.payment_terminal is False and updated.payment_terminal_id is not None:
        raise InvalidValue("payment_terminal_id", "given while paymentTerminal is false")
    before = tuple(connectors)
    after = before if change.connectors is None else _described(evse, before, change.connectors)
    for field, reason in limit_problems(
        nominal_ratings(c.equipment for c in after), limit_of(updated)
    ):
        raise InvalidValue(f"limit_{field}", reason)
    if updated == evse and after == before:
        return evse, before
    return replace(updated, version=evse.version + 1, modified_at=now), after


def _described(
    evse: Evse, stored: tuple[Connector, ...], specs: tuple[ConnectorSpec, ...]
) -> tuple[Connector, ...]:
    ids = [spec.connector_id for spec in specs]
    if len(set(ids)) != len(ids):
        raise InvalidValue("connectors", "a connector id is listed twice")
    by_id = {spec.connector_id: spec.equipment for spec in specs}
    bare = ConnectorEquipment()
    result = {c.connector_id: _equipped(c, by_id.get(c.connector_id, bare)) for c in stored}
    for connector_id, equipment in by_id.items():
        if connector_id not in result:
            new = Connector(evse.station_id, evse.evse_id, connector_id)
            result[connector_id] = _equipped(new, equipment)
    return tuple(result[key] for key in sorted(result))


def _equipped(connector: Connector, equipment: ConnectorEquipment) -> Connector:
    # ConnectorEquipment's fields are the Connector fields of the same names.
    return replace(connector, **{f.name: getattr(equipment, f.name) for f in fields(equipment)})


def auth_mode(tx: Transaction, remote_started: bool, token: IdToken | None) -> AuthMode | None:
    """How a transaction was started: by a remote start command, else by its token's type
    (a 1.6 idTag, untyped, is a card); None when it names no token."""
    if remote_started:
        return AuthMode.REMOTE_START
    if tx.id_tag is None:
        return None
    if tx.id_tag == "":  # 2.0.1 NoAuthorization tokens carry an empty idToken
        return AuthMode.NO_AUTHORIZATION
    if token is None or token.type is None:
        return AuthMode.RFID
    return _MODE_OF_TOKEN_TYPE[token.type]
