"""EV charging information of devices (reference 03) and their charge plans.

A device carries at most one `EvChargingInfo`: created once (a second create is
`AlreadyExists`: replace it instead), replaced whole, or changed in part (the battery level
and deadline, as a car reports them while it waits). The charge plan is computed, never
stored: from the stored information, the power the device may draw (`power_limit`) and the
clock, by the pure `smart_charging.planning.plan_charge`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from voltgate.domain.charging_points import limit_of
from voltgate.domain.customers import (
    Device,
    DevicePath,
    DeviceRef,
    EvChargingInfo,
    EvDetails,
    battery_problem,
)
from voltgate.domain.equipment import available_ratings, nominal_ratings
from voltgate.domain.errors import AlreadyExists, InvalidValue, NotFound
from voltgate.domain.ports import Clock, Repositories, UnitOfWork
from voltgate.domain.services.customers import KeyFactory, find_device, new_key
from voltgate.domain.smart_charging.planning import ChargePlan, PowerLimit, lowest, plan_charge


def power_limit(repos: Repositories, path: DevicePath) -> PowerLimit:
    """The most the device may draw from the grid: the one place that decides it.

    The lowest known of: its gateway's limit (the device is assumed to have the gateway's
    grid connection to itself; sharing it among the gateway's devices is the smart-charging
    allocator's job), and what its charging point delivers now (`_charging_point_limit`).
    """
    gateway = path.gateway
    limits = [
        PowerLimit(gateway.max_power_kw, f"the limit of gateway {gateway.name!r}"),
        _charging_point_limit(repos, path.device),
    ]
    return lowest(limits)


def _charging_point_limit(repos: Repositories, device: Device) -> PowerLimit:
    """The EVSE's available power (the operator's limit, else its rated power from its
    connectors); for a whole-station device its most powerful EVSE, as a car charges at
    one. Unknown when no EVSE states its power."""
    station_id = device.station_id
    connectors = repos.connectors.list_connectors(station_id)
    watts = [
        available_ratings(
            nominal_ratings(c.equipment for c in connectors if c.evse_id == evse.evse_id),
            limit_of(evse),
        ).power_w
        for evse in repos.connectors.list_evses(station_id)
        if evse.evse_id > 0 and device.evse_id in (None, evse.evse_id)
    ]
    known = [w for w in watts if w is not None]
    source = f"the available power of {device.describe()}"
    if not known:
        return PowerLimit(None, source)
    return PowerLimit(Decimal(str(max(known))) / 1000, source)


@dataclass(frozen=True, slots=True)
class PlannedDevice:
    """A device, its EV charging information and its charge plan as of `now`."""

    path: DevicePath
    info: EvChargingInfo
    plan: ChargePlan
    now: datetime


def _info(repos: Repositories, path: DevicePath) -> EvChargingInfo:
    info = repos.customers.get_ev_info(path.device.id)
    if info is None:
        raise NotFound(f"device {path.device.id} has no EV charging information")
    return info


def _check(details: EvDetails) -> None:
    problem = battery_problem(details)
    if problem is not None:
        raise InvalidValue(*problem)


class EvChargingService:
    """The EV charging information of devices, and the plans made from it.

    Args:
        uow: runs units of work durably.
        clock: the server clock, aware UTC (also the plans' "now").
        new_key: the dedupe key of each create (random in production).
    """

    def __init__(self, uow: UnitOfWork, clock: Clock, *, new_key: KeyFactory = new_key) -> None:
        self._uow = uow
        self._clock = clock
        self._new_key = new_key

    async def create(self, ref: DeviceRef, details: EvDetails) -> tuple[DevicePath, EvChargingInfo]:
        """Store the device's EV charging information.

        Raises:
            NotFound: the device (or a record above it).
            InvalidValue: the battery figures contradict each other.
            AlreadyExists: the device has EV charging information (replace it instead).
        """
        _check(details)
        key, now = self._new_key(), self._clock()

        def work(repos: Repositories) -> tuple[DevicePath, EvChargingInfo]:
            path = find_device(repos, ref)
            info = EvChargingInfo(path.device.id, details, now, now)
            if not repos.customers.add_ev_info(info, key):
                raise AlreadyExists("EV charging information of device", str(path.device.id))
            stored = repos.customers.get_ev_info(path.device.id)
            assert stored is not None
            return path, stored

        return await self._uow.submit(work)

    async def get(self, ref: DeviceRef) -> tuple[DevicePath, EvChargingInfo]:
        """The device and its EV charging information. Raises NotFound."""

        def work(repos: Repositories) -> tuple[DevicePath, EvChargingInfo]:
            path = find_device(repos, ref)
            return path, _info(repos, path)

        return await self._uow.submit(work)

    async def update(
        self, ref: DeviceRef, change: Callable[[EvDetails], EvDetails]
    ) -> tuple[DevicePath, EvChargingInfo]:
        """Read, change and store the device's EV charging information in one unit of work
        (a replacement is a change that ignores the old details).

        Raises:
            NotFound: the device, or its EV charging information.
            InvalidValue: the changed battery figures contradict each other.
        """
        now = self._clock()

        def work(repos: Repositories) -> tuple[DevicePath, EvChargingInfo]:
            path = find_device(repos, ref)
            info = _info(repos, path)
            details = change(info.details)
            _check(details)
            changed = replace(info, details=details, updated_at=now)
            repos.customers.save_ev_info(changed)
            return path, changed

        return await self._uow.submit(work)

    async def delete(self, ref: DeviceRef) -> None:
        """Remove the device's EV charging information. Raises NotFound."""

        def work(repos: Repositories) -> None:
            path = find_device(repos, ref)
            if not repos.customers.delete_ev_info(path.device.id):
                raise NotFound(f"device {path.device.id} has no EV charging information")

        await self._uow.submit(work)

    async def plan(self, ref: DeviceRef) -> PlannedDevice:
        """The device's charge plan as of now. Raises NotFound (also without EV charging
        information, which the plan is made from)."""
        now = self._clock()

        def work(repos: Repositories) -> tuple[DevicePath, EvChargingInfo, PowerLimit]:
            path = find_device(repos, ref)
            return path, _info(repos, path), power_limit(repos, path)

        path, info, power = await self._uow.submit(work)
        return PlannedDevice(path, info, plan_charge(info.details, power, now), now)
