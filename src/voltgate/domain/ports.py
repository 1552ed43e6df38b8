"""Ports: what the domain needs from the outside, as Protocols.

Repositories are *synchronous*: a use case is a plain function ``work(repos) -> T`` (a unit
of work) that storage runs inside one database transaction, possibly grouped with other
units in one commit (docs/adr/0002-storage-units-of-work.md). Repositories never commit.
Every ``add`` is idempotent by a natural key (`voltgate.domain.keys`), because a unit may be
run again after an ambiguous commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from voltgate.domain.authorization import IdToken
from voltgate.domain.events import StationEvent
from voltgate.domain.readings import MeterReading, MeterRecord
from voltgate.domain.stations import Connector, Evse, Station
from voltgate.domain.transactions import Transaction

T = TypeVar("T")

Clock = Callable[[], datetime]
"""Returns the current time, aware and in UTC."""


class StationRepository(Protocol):
    """Stations by id."""

    def get(self, station_id: str) -> Station | None:
        """The station, or None."""
        ...

    def add(self, station: Station) -> bool:
        """Insert unless a station with this id exists; True when inserted."""
        ...

    def save(self, station: Station) -> None:
        """Overwrite the stored station with this id."""
        ...


class ConnectorRepository(Protocol):
    """EVSEs (with their last meter register) and connectors (with their last status)."""

    def get_evse(self, station_id: str, evse_id: int) -> Evse | None:
        """The EVSE, or None."""
        ...

    def add_evse(self, evse: Evse) -> bool:
        """Insert unless it exists; True when inserted."""
        ...

    def record_register(
        self, station_id: str, evse_id: int, register_wh: float, at: datetime
    ) -> bool:
        """Keep `register_wh` as the EVSE's last register unless a newer one is stored.

        Returns False when the EVSE does not exist (nothing written).
        """
        ...

    def get_connector(self, station_id: str, evse_id: int, connector_id: int) -> Connector | None:
        """The connector, or None."""
        ...

    def save_connector(self, connector: Connector) -> None:
        """Insert or overwrite the connector (its EVSE must exist)."""
        ...

    def list_evses(self, station_id: str) -> list[Evse]:
        """All EVSEs of a station, by id."""
        ...

    def list_connectors(self, station_id: str) -> list[Connector]:
        """All connectors of a station, by EVSE and connector id."""
        ...


class TokenRepository(Protocol):
    """Id tokens, looked up case-insensitively (OCPP 1.6 §7.28)."""

    def get(self, id_tag: str) -> IdToken | None:
        """The token for `id_tag` in any letter case, or None."""
        ...

    def save(self, token: IdToken) -> None:
        """Insert or overwrite the token."""
        ...


class TransactionRepository(Protocol):
    """Transactions by CSMS-assigned id and by natural key."""

    def get(self, transaction_id: int) -> Transaction | None:
        """The transaction, or None."""
        ...

    def find(self, key: bytes) -> Transaction | None:
        """The transaction stored with this natural key, or None."""
        ...

    def add(self, tx: Transaction, key: bytes) -> int | None:
        """Insert `tx` (its `id` is ignored) unless `key` exists; the new id, or None."""
        ...

    def save(self, tx: Transaction) -> None:
        """Overwrite the stored transaction `tx.id`."""
        ...

    def save_registers(self, tx: Transaction) -> None:
        """Overwrite only what meter values change: baseline, energy, first/last register,
        reading count and suspect flags (the MeterValues hot path)."""
        ...

    def has_open_elsewhere(
        self, id_tag: str, station_id: str, evse_id: int, connector_id: int
    ) -> bool:
        """True when `id_tag` has an open transaction on another connector or station."""
        ...

    def list_for_station(self, station_id: str, *, limit: int = 100) -> list[Transaction]:
        """A station's transactions, newest first."""
        ...


class MeterValueRepository(Protocol):
    """Stored meter values: one record per meterValue element (a timestamp and its samples)."""

    def add(self, records: Sequence[MeterRecord]) -> set[bytes]:
        """Insert the records whose key is new; return the keys actually inserted."""
        ...

    def add_for_transaction(
        self,
        records: Sequence[MeterRecord],
        tx: Transaction,
        register: tuple[float, datetime] | None,
    ) -> tuple[set[bytes], bool]:
        """Insert a transaction's records; only if ALL are new, also save `tx`'s registers
        (as `TransactionRepository.save_registers`) and record `register` (wh, at) on its
        EVSE (as `ConnectorRepository.record_register`), in one round trip where possible.

        Returns the keys inserted and whether the EVSE register was written (False also
        when the EVSE does not exist).
        """
        ...

    def add_one_for_transaction(
        self,
        record: MeterRecord,
        tx: Transaction,
        register: tuple[float, datetime] | None,
    ) -> None:
        """Insert one record of a transaction; only if it is new, also save `tx`'s registers
        and record `register` on its EVSE (creating the EVSE row if needed).

        Nothing is reported back, so storage may send the write later in the same database
        transaction: PostgreSQL sends those of a whole batch in one round trip.
        """
        ...

    def list_for_transaction(self, transaction_id: int) -> list[MeterReading]:
        """A transaction's samples, unpacked, in timestamp order."""
        ...

    def list_unmatched(self, station_id: str) -> list[MeterReading]:
        """Samples that name a transaction id we do not know, in timestamp order."""
        ...

    def adopt(self, station_id: str, reported_id: int, transaction_id: int) -> int:
        """Attach unmatched samples that named `reported_id` to `transaction_id`."""
        ...


class StationEventRepository(Protocol):
    """Stored station events."""

    def add(self, event: StationEvent, key: bytes) -> bool:
        """Insert unless `key` exists; True when inserted."""
        ...

    def list_for_station(
        self, station_id: str, *, kind: str | None = None, limit: int = 100
    ) -> list[StationEvent]:
        """A station's events, newest first."""
        ...


class Repositories(Protocol):
    """The repositories of one unit of work, all on the same database transaction."""

    @property
    def stations(self) -> StationRepository: ...
    @property
    def connectors(self) -> ConnectorRepository: ...
    @property
    def tokens(self) -> TokenRepository: ...
    @property
    def transactions(self) -> TransactionRepository: ...
    @property
    def meter_values(self) -> MeterValueRepository: ...
    @property
    def events(self) -> StationEventRepository: ...


@dataclass(frozen=True, slots=True)
class Reads:
    """What a unit of work is going to read, declared up front (a hint, never required).

    Storage may fetch the declared rows of a whole batch of units in one query before it
    runs them: on PostgreSQL that saves a network round trip per unit (the MeterValues hot
    path reads its transaction). The unit still reads through its repositories as usual.
    """

    transactions: tuple[int, ...] = ()


class UnitOfWork(Protocol):
    """Runs a unit of work durably: when `submit` returns, its writes are committed."""

    async def submit(self, work: Callable[[Repositories], T], reads: Reads | None = None) -> T:
        """Run `work` in a database transaction and return its result after the commit."""
        ...
