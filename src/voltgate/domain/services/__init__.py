"""Use cases the edges call (OCPP handlers, CLI, REST API): one unit of work per call.

Each method takes the server time from the injected clock, then submits exactly one unit
of work (``work(repos) -> T``) to the `UnitOfWork`; every read and write caused by one
inbound message happens in that unit, and the method returns only after its commit
("acknowledged means durable"). CPU-heavy work (password hashing) runs before or after the
unit, never inside it, because units share one writer and one commit.
"""

from __future__ import annotations

from voltgate.domain.authorization import AuthStatus, IdToken, TokenDecision, TokenStatus
from voltgate.domain.events import StationEvent
from voltgate.domain.meter import MeterSample, normalise
from voltgate.domain.ports import Clock, UnitOfWork
from voltgate.domain.readings import MeterReading
from voltgate.domain.services.access import AccessService
from voltgate.domain.services.authorization import AuthorizationService
from voltgate.domain.services.charging_points import ChargingPointService
from voltgate.domain.services.commands import CommandService, CommandSetup
from voltgate.domain.services.customers import CustomerService
from voltgate.domain.services.device_model import DeviceModelService
from voltgate.domain.services.ev_charging import EvChargingService
from voltgate.domain.services.events import EventService
from voltgate.domain.services.message_log import MessageLogService
from voltgate.domain.services.reservations import ReservationService
from voltgate.domain.services.security import SecurityService, SecuritySetup
from voltgate.domain.services.station_configuration import StationConfigurationService
from voltgate.domain.services.station_models import StationModelService
from voltgate.domain.services.stations import StationService
from voltgate.domain.services.transaction_events import (
    TransactionEventOutcome,
    TransactionEventService,
)
from voltgate.domain.services.transactions import TransactionService
from voltgate.domain.stations import (
    BootInfo,
    BootVerdict,
    ConnectOutcome,
    ConnectVerdict,
    Registration,
    StationView,
    StatusReport,
    UnknownStationPolicy,
)
from voltgate.domain.transactions import (
    StartRequest,
    StartResult,
    StopRequest,
    SuspectFlag,
    Transaction,
)

__all__ = [
    "AccessService",
    "AuthStatus",
    "AuthorizationService",
    "BootInfo",
    "BootVerdict",
    "ChargingPointService",
    "CommandService",
    "CommandSetup",
    "ConnectOutcome",
    "ConnectVerdict",
    "CustomerService",
    "DeviceModelService",
    "EvChargingService",
    "EventService",
    "IdToken",
    "MessageLogService",
    "MeterReading",
    "MeterSample",
    "Registration",
    "ReservationService",
    "SecurityService",
    "SecuritySetup",
    "Services",
    "StartRequest",
    "StartResult",
    "StationConfigurationService",
    "StationEvent",
    "StationModelService",
    "StationService",
    "StationView",
    "StatusReport",
    "StopRequest",
    "SuspectFlag",
    "TokenDecision",
    "TokenStatus",
    "Transaction",
    "TransactionEventOutcome",
    "TransactionEventService",
    "TransactionService",
    "UnknownStationPolicy",
    "normalise",
]


class Services:
    """The use-case API, grouped by service; built once by the composition root.

    Args:
        uow: runs units of work durably (the storage `Committer` in production).
        clock: the server clock, aware UTC.
        heartbeat_interval_s: interval sent in an Accepted boot (OCPP 1.6 §4.2).
        clock_skew_tolerance_s: how far in the future a station timestamp may lie before
            it is flagged CLOCK_SKEW.
        security: security policy, CA and station link (defaults: no CA, no link).
        commands: station link and version dialects of commands (default: no link).
    """

    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        *,
        heartbeat_interval_s: int = 300,
        clock_skew_tolerance_s: int = 300,
        security: SecuritySetup | None = None,
        commands: CommandSetup | None = None,
    ) -> None:
        self.stations = StationService(uow, clock, heartbeat_interval_s=heartbeat_interval_s)
        self.authorization = AuthorizationService(uow, clock)
        self.transactions = TransactionService(
            uow, clock, clock_skew_tolerance_s=clock_skew_tolerance_s
        )
        self.events = EventService(uow, clock)
        self.security = SecurityService(
            uow, clock, stations=self.stations, setup=security or SecuritySetup()
        )
        self.device_model = DeviceModelService(uow, clock)
        self.transaction_events = TransactionEventService(
            uow, clock, clock_skew_tolerance_s=clock_skew_tolerance_s
        )
        self.access = AccessService(uow, clock)
        self.commands = CommandService(uow, clock, setup=commands or CommandSetup())
        self.reservations = ReservationService(uow, clock)
        self.charging_points = ChargingPointService(uow, clock)
        self.customers = CustomerService(uow, clock)
        self.ev_charging = EvChargingService(uow, clock)
        self.station_models = StationModelService(uow, clock, dialects=self.commands.dialects)
        self.station_configuration = StationConfigurationService(uow, commands=self.commands)
        self.message_log = MessageLogService(uow, clock)
