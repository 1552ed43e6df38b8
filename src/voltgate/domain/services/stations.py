"""Station use cases: admit a connecting station, provision, boot, heartbeat, status."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from voltgate.domain import credentials
from voltgate.domain.errors import AlreadyExists, InUse, UnknownStation
from voltgate.domain.ports import Clock, Repositories, UnitOfWork
from voltgate.domain.queries import Page, StationQuery, page_of
from voltgate.domain.services.charging_points import apply_model_layout
from voltgate.domain.services.station_models import choosable_model
from voltgate.domain.stations import (
    BootInfo,
    BootVerdict,
    Connector,
    ConnectOutcome,
    ConnectVerdict,
    Evse,
    Registration,
    Station,
    StationView,
    StatusReport,
    UnknownStationPolicy,
    check_known,
    is_newer,
    may_skip_boot,
)

_REGISTRATION_FOR_POLICY = {
    UnknownStationPolicy.PENDING: Registration.PENDING,
    UnknownStationPolicy.ACCEPT: Registration.ACCEPTED,
}


class StationService:
    """Stations' identity, registration and reported state."""

    def __init__(self, uow: UnitOfWork, clock: Clock, *, heartbeat_interval_s: int) -> None:
        self._uow = uow
        self._clock = clock
        self._heartbeat_interval_s = heartbeat_interval_s

    async def authenticate(
        self,
        station_id: str,
        password: str | None,
        *,
        policy: UnknownStationPolicy,
        allow_unauthenticated: bool,
    ) -> ConnectVerdict:
        """Check a connecting station's identity (HTTP Basic password, security profile 1/2).

        An unknown station is refused (REJECT) or registered on first use (PENDING/ACCEPT),
        storing the hash of the password it presented; without a password it is registered
        only when unauthenticated connections are allowed.
        """
        station = await self._uow.submit(_get(station_id))
        if station is None:
            if policy is UnknownStationPolicy.REJECT:
                return ConnectVerdict(ConnectOutcome.UNKNOWN)
            if password is None and not allow_unauthenticated:
                return ConnectVerdict(ConnectOutcome.UNAUTHORIZED)
            password_hash = await _hash(password)
            candidate = Station(
                station_id,
                password_hash=password_hash,
                registration=_REGISTRATION_FOR_POLICY[policy],
                created_at=self._clock(),
            )
            station = await self._uow.submit(_add_or_get(candidate))
            if station is candidate:
                return ConnectVerdict(ConnectOutcome.OK, accepted=False)
            # Another connection registered this id first: check against what it stored.
        known = await asyncio.to_thread(
            check_known, station, password, allow_unauthenticated=allow_unauthenticated
        )
        if not known:
            return ConnectVerdict(ConnectOutcome.UNAUTHORIZED)
        return ConnectVerdict(ConnectOutcome.OK, accepted=may_skip_boot(station))

    async def add(
        self,
        station_id: str,
        password: str | None,
        *,
        registration: Registration = Registration.ACCEPTED,
    ) -> Station:
        """Provision a station, or update the password and registration of an existing one."""
        password_hash = await _hash(password)
        now = self._clock()

        def work(repos: Repositories) -> Station:
            existing = repos.stations.get(station_id)
            if existing is None:
                station = Station(
                    station_id,
                    password_hash=password_hash,
                    registration=registration,
                    created_at=now,
                )
                if repos.stations.add(station):
                    return station
                existing = repos.stations.get(station_id)
                assert existing is not None  # it was just reported as present
            station = replace(existing, password_hash=password_hash, registration=registration)
            repos.stations.save(station)
            return station

        return await self._uow.submit(work)

    async def get(self, station_id: str) -> Station | None:
        """The station, or None."""
        return await self._uow.submit(_get(station_id))

    async def get_view(self, station_id: str) -> StationView | None:
        """A station with its EVSEs, connectors and latest transactions, or None."""

        def work(repos: Repositories) -> StationView | None:
            station = repos.stations.get(station_id)
            if station is None:
                return None
            return StationView(
                station=station,
                evses=tuple(repos.connectors.list_evses(station_id)),
                connectors=tuple(repos.connectors.list_connectors(station_id)),
                transactions=tuple(repos.transactions.list_for_station(station_id)),
            )

        return await self._uow.submit(work)

    async def boot(self, station_id: str, info: BootInfo, protocol: str) -> BootVerdict:
        """Answer a BootNotification (1.6 §4.2) with the station's registration and store
        what it reported; raises UnknownStation for an id that is not provisioned."""
        now = self._clock()
        interval = self._heartbeat_interval_s

        def work(repos: Repositories) -> BootVerdict:
            station = _require(repos, station_id)
            status = station.registration
            model_id = station.model_id
            if model_id is None:
                # One indexed lookup, and only for stations without a model.
                model_id = repos.station_models.match(info.vendor, info.model)
                model = None if model_id is None else repos.station_models.get(model_id)
                if model is not None:
                    apply_model_layout(repos, station_id, model, now)
            repos.stations.save(
                replace(
                    station,
                    model_id=model_id,
                    protocol=protocol,
                    vendor=info.vendor,
                    model=info.model,
                    serial_number=info.serial_number,
                    firmware_version=info.firmware_version,
                    iccid=info.iccid,
                    imsi=info.imsi,
                    meter_type=info.meter_type,
                    meter_serial_number=info.meter_serial_number,
                    last_boot_at=now,
                    last_boot_status=status,
                    last_boot_reason=info.reason,
                )
            )
            # 1.6 §6.5: for Pending/Rejected, the interval is the wait before the next boot.
            return BootVerdict(status, interval, now, model_id)

        return await self._uow.submit(work)

    async def heartbeat(self, station_id: str) -> datetime:
        """Store the heartbeat and return the server time for the answer (1.6 §4.6)."""
        now = self._clock()

        def work(repos: Repositories) -> datetime:
            station = _require(repos, station_id)
            repos.stations.save(replace(station, last_heartbeat_at=now))
            return now

        return await self._uow.submit(work)

    async def status_notification(self, station_id: str, report: StatusReport) -> None:
        """Store a connector's (or, for EVSE 0, the station's) reported status.

        EVSE and connector rows are created on their first report; an EVSE's first report
        is its first activation. A report older than the stored one (an offline replay)
        does not overwrite it; `status_changed_at` moves only when the status changes.
        """
        now = self._clock()
        at = report.timestamp or now

        def work(repos: Repositories) -> None:
            if report.evse_id == 0:
                station = _require(repos, station_id)
                if is_newer(at, station.status_at):
                    repos.stations.save(
                        replace(
                            station,
                            status=report.status,
                            error_code=report.error_code,
                            status_info=report.info,
                            status_vendor_id=report.vendor_id,
                            status_vendor_error_code=report.vendor_error_code,
                            status_at=at,
                        )
                    )
                return
            evse = ensure_evse(repos, station_id, report.evse_id)
            if evse.first_activated_at is None:
                repos.connectors.activate_evse(station_id, report.evse_id, at)
            stored = repos.connectors.get_connector(station_id, report.evse_id, report.connector_id)
            if stored is None:
                stored = Connector(station_id, report.evse_id, report.connector_id)
            elif not is_newer(at, stored.status_at):
                return
            changed = stored.status != report.status or stored.status_changed_at is None
            repos.connectors.save_connector(
                replace(
                    stored,  # the operator's description of the connector stays
                    status=report.status,
                    error_code=report.error_code,
                    info=report.info,
                    vendor_id=report.vendor_id,
                    vendor_error_code=report.vendor_error_code,
                    status_at=at,
                    status_changed_at=at if changed else stored.status_changed_at,
                )
            )

        await self._uow.submit(work)

    async def connected(self, station_id: str, protocol: str, remote_address: str | None) -> None:
        """Record that the station holds an open connection."""
        now = self._clock()

        def work(repos: Repositories) -> None:
            station = _require(repos, station_id)
            repos.stations.save(
                replace(
                    station,
                    connected=True,
                    connected_at=now,
                    protocol=protocol,
                    remote_address=remote_address,
                )
            )

        await self._uow.submit(work)

    async def disconnected(self, station_id: str) -> None:
        """Record that the station's connection closed (unknown ids are ignored)."""
        now = self._clock()

        def work(repos: Repositories) -> None:
            station = repos.stations.get(station_id)
            if station is not None:
                repos.stations.save(replace(station, connected=False, disconnected_at=now))

        await self._uow.submit(work)

    # -- operator management (REST API) ---------------------------------------------------

    async def create(
        self,
        station_id: str,
        password: str | None,
        *,
        registration: Registration,
        model_id: str | None = None,
    ) -> Station:
        """Provision a new station, of the model `model_id` when given: it then has the
        model's EVSEs and ratings at once (`apply_model_layout`).

        Raises:
            AlreadyExists: a station with this id exists (`add` updates one instead).
            UnknownStationModel: no model `model_id`.
            ModelArchived: the model is archived.
        """
        candidate = Station(
            station_id,
            password_hash=await _hash(password),
            registration=registration,
            created_at=self._clock(),
            model_id=model_id,
        )

        now = self._clock()

        def work(repos: Repositories) -> bool:
            model = None if model_id is None else choosable_model(repos, model_id)
            if not repos.stations.add(candidate):
                return False
            if model is not None:
                apply_model_layout(repos, station_id, model, now)
            return True

        if not await self._uow.submit(work):
            raise AlreadyExists("station", station_id)
        return candidate

    async def list_page(self, query: StationQuery) -> Page[Station]:
        """One page of stations by id, filtered."""

        def work(repos: Repositories) -> list[Station]:
            return repos.operator.stations(query)

        return page_of(await self._uow.submit(work), query.page)

    async def set_registration(self, station_id: str, registration: Registration) -> Station:
        """Accept, hold (Pending) or reject a station; its next BootNotification hears it.

        Raises:
            UnknownStation: no such station.
        """

        def work(repos: Repositories) -> Station:
            station = replace(_require(repos, station_id), registration=registration)
            repos.stations.save(station)
            return station

        return await self._uow.submit(work)

    async def set_password(self, station_id: str, password: str | None) -> Station:
        """Store a new Basic auth password for the station (None: none, profile 0 only).

        The station must be given the same password out of band; to have the CSMS send it
        one over OCPP, see `SecurityService.rotate_password`.

        Raises:
            UnknownStation: no such station.
        """
        password_hash = await _hash(password)

        def work(repos: Repositories) -> Station:
            station = replace(_require(repos, station_id), password_hash=password_hash)
            repos.stations.save(station)
            return station

        return await self._uow.submit(work)

    async def remove(self, station_id: str) -> None:
        """Delete a station that was provisioned but never reported anything, with the
        EVSEs and connectors that were only described (by an operator or its model).

        A station with history (connections, boots, transactions, events, ...) is kept:
        records refer to it. Set its registration to Rejected to stop it instead.

        Raises:
            UnknownStation: no such station.
            InUse: it is connected, or other records refer to it (nothing is deleted).
        """

        def work(repos: Repositories) -> None:
            station = _require(repos, station_id)
            if station.connected:
                raise InUse("station", station_id, "it is connected")
            repos.connectors.delete_unreported(station_id)
            if not repos.operator.delete_station(station_id):
                # Raised inside the unit: the described EVSEs deleted above come back.
                raise InUse(
                    "station",
                    station_id,
                    "it has reported data (set its registration to Rejected instead)",
                )

        await self._uow.submit(work)


def ensure_evse(repos: Repositories, station_id: str, evse_id: int) -> Evse:
    """The EVSE, created on first use; raises UnknownStation for an unprovisioned station."""
    evse = repos.connectors.get_evse(station_id, evse_id)
    if evse is None:
        _require(repos, station_id)
        evse = Evse(station_id, evse_id)
        repos.connectors.add_evse(evse)
    return evse


def _require(repos: Repositories, station_id: str) -> Station:
    station = repos.stations.get(station_id)
    if station is None:
        raise UnknownStation(station_id)
    return station


def _get(station_id: str) -> Callable[[Repositories], Station | None]:
    def work(repos: Repositories) -> Station | None:
        return repos.stations.get(station_id)

    return work


def _add_or_get(station: Station) -> Callable[[Repositories], Station]:
    """Insert `station`, or return the one another connection stored first."""

    def work(repos: Repositories) -> Station:
        if repos.stations.add(station):
            return station
        stored = repos.stations.get(station.id)
        assert stored is not None  # add() found it
        return stored

    return work


async def _hash(password: str | None) -> str | None:
    """Hash off the event loop: scrypt costs tens of milliseconds of CPU by design."""
    if password is None:
        return None
    return await asyncio.to_thread(credentials.hash_password, password)
