"""Customers, their contracts, gateways and devices, and the EV charging information of a
device: the business records that smart charging plans for.

Theory of operation
-------------------
A customer has contracts, each with a contract number unique for that customer (the number
is how clients address it). A contract has gateways: a gateway groups the devices behind one
grid connection, and its `max_power_kw` is the most that connection may draw. A device is a
charging station of ours, as a whole (`evse_id` None) or one of its EVSEs; a station or EVSE
is one device at most across the system, and a station that is a device as a whole has no
EVSE that is a device too (or the same charging point would belong to two gateways). A
device may carry one `EvChargingInfo`: the car behind it, its battery and when it must be
full, which the charge plan (`domain.smart_charging.planning`) works from.

Ids are storage-assigned integers (0 until stored). Amounts are Decimal with their unit in
the name; times are aware UTC.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

MAX_GATEWAY_POWER_KW = Decimal(100_000)
"""The largest gateway limit accepted (100 MW): beyond any grid connection we serve."""

MAX_BATTERY_KWH = Decimal(2_000)
"""The largest battery accepted (trucks and buses stay well below)."""


class ChargingMode(enum.IntEnum):
    """How a device charges the car behind it (the reference's ``EvChargingModeEnumReq``,
    sent as its integer value).

    IMMEDIATE (0): charge at the full power available as soon as the car is plugged in;
    `fully_charged_by` only says whether the car will be full in time. It is also what a
    client gets that sends no mode, as the reference platform (.NET) reads a missing enum
    as 0.
    SMART (1): charge so that the car is full by `fully_charged_by`, starting as late as is
    safe (later: in the cheapest hours). Applies while `smart_mode_is_active` is not False;
    switched off, the device charges as IMMEDIATE (the driver's "charge now").
    """

    IMMEDIATE = 0
    SMART = 1


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer (a person or company with contracts)."""

    id: int
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Contract:
    """A customer's contract; `contract_no` is unique for the customer."""

    id: int
    customer_id: int
    contract_no: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Gateway:
    """The devices behind one grid connection of a contract, and what it may draw."""

    id: int
    contract_id: int
    name: str
    max_power_kw: Decimal
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Device:
    """A charging station of ours (`evse_id` None) or one EVSE of it, behind a gateway."""

    id: int
    gateway_id: int
    station_id: str
    evse_id: int | None
    created_at: datetime

    def describe(self) -> str:
        """The charging point in words (`charging_point`)."""
        return charging_point(self.station_id, self.evse_id)


def charging_point(station_id: str, evse_id: int | None) -> str:
    """A station or EVSE in words: "station 'CP-1'" or "EVSE 2 of station 'CP-1'"."""
    station = f"station {station_id!r}"
    return station if evse_id is None else f"EVSE {evse_id} of {station}"


@dataclass(frozen=True, slots=True)
class EvDetails:
    """What a client says about the car behind a device (the reference's request body,
    without its ids): the mode, the car, its battery and when it must be full.

    `battery_level_percent` is the state of charge (0-100). `net_battery_kwh` is the usable
    capacity, `gross_battery_kwh` the nominal one; plans use the net size when known.
    """

    charging_mode: ChargingMode = ChargingMode.IMMEDIATE
    smart_mode_is_active: bool | None = None
    car_info_id: str | None = None
    car_manufacturer: str | None = None
    car_model: str | None = None
    car_generation: str | None = None
    gross_battery_kwh: Decimal | None = None
    net_battery_kwh: Decimal | None = None
    battery_level_percent: Decimal | None = None
    fully_charged_by: datetime | None = None


@dataclass(frozen=True, slots=True)
class EvChargingInfo:
    """The EV charging information of one device, as stored."""

    device_id: int
    details: EvDetails
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class GatewayRef:
    """A gateway as clients address it: customer id, contract number, gateway id."""

    customer_id: int
    contract_no: int
    gateway_id: int


@dataclass(frozen=True, slots=True)
class DeviceRef:
    """A device as clients address it: its gateway's address and the device id."""

    gateway: GatewayRef
    device_id: int


@dataclass(frozen=True, slots=True)
class DevicePath:
    """A device with every record above it, as one lookup along a path finds them."""

    customer: Customer
    contract: Contract
    gateway: Gateway
    device: Device


def battery_problem(details: EvDetails) -> tuple[str, str] | None:
    """What is inconsistent in the battery figures, as (field, reason), or None.

    The usable (net) capacity of a battery cannot exceed its nominal (gross) one.
    """
    gross, net = details.gross_battery_kwh, details.net_battery_kwh
    if gross is not None and net is not None and net > gross:
        return "net_battery_kwh", f"the net battery size {net} kWh exceeds the gross {gross} kWh"
    return None


def device_conflict(
    devices: list[Device], station_id: str, evse_id: int | None, own_id: int | None
) -> str | None:
    """Why the station or EVSE cannot be device `own_id`, or None when it can.

    Args:
        devices: the devices of the station (as `CustomerRepository.devices_of_station`).
        station_id, evse_id: the charging point (`evse_id` None: the whole station).
        own_id: the device that is (to be) this charging point; None when storage refused
            it because the station or EVSE is another device already.
    """
    wanted = charging_point(station_id, evse_id)
    for other in devices:
        if other.id == own_id:
            continue
        if other.evse_id == evse_id:
            return f"{wanted} is device {other.id} already"
        if other.evse_id is None:
            return (
                f"station {station_id!r} as a whole is device {other.id}: "
                "its EVSEs cannot be devices too"
            )
        if evse_id is None:
            return (
                f"{other.describe()} is device {other.id}: "
                "the station cannot be a device as a whole too"
            )
    return None if own_id is not None else f"{wanted} is a device already"
