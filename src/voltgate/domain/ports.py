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
from typing import Any, Protocol, TypeVar

from voltgate.domain.access import ApiKey, LoginToken, User
from voltgate.domain.authorization import IdToken
from voltgate.domain.certificates import Delivery, IssuedCertificate
from voltgate.domain.commands import CommandRecord
from voltgate.domain.customers import Contract, Customer, Device, EvChargingInfo, Gateway
from voltgate.domain.device_model import DeviceVariable, ReportedVariable, StoredPart
from voltgate.domain.events import StationEvent
from voltgate.domain.message_log import LogEntry, LoggedFrame, MessageQuery
from voltgate.domain.queries import (
    EventEntry,
    EventQuery,
    StationQuery,
    TokenQuery,
    TransactionQuery,
)
from voltgate.domain.readings import MeterReading, MeterRecord
from voltgate.domain.reservations import Reservation, ReservationQuery
from voltgate.domain.security import PasswordKind, StationSecurity
from voltgate.domain.station_configuration import KeyState
from voltgate.domain.station_models import ModelQuery, StationModel
from voltgate.domain.stations import Connector, Evse, Station
from voltgate.domain.transaction_events import StoredTransactionEvent
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

    def assign_number(self, station_id: str) -> int:
        """The station's integer number, given now from a shared counter if it has none."""
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

    def save_evse(self, evse: Evse) -> None:
        """Overwrite what operators set on the EVSE (`charging_points.EDITABLE`), its
        version and modification time; the register and the number are left alone."""
        ...

    def assign_evse_number(self, station_id: str, evse_id: int) -> int:
        """The EVSE's integer number, given now from a shared counter if it has none."""
        ...

    def activate_evse(self, station_id: str, evse_id: int, at: datetime) -> None:
        """Set the EVSE's first activation time to `at` unless it has one."""
        ...

    def evse_by_emi3_id(self, emi3_id: str) -> Evse | None:
        """The EVSE with this EvseId (stored in upper case), or None."""
        ...

    def delete_unreported(self, station_id: str) -> None:
        """Delete the station's connectors that never reported a status, then its EVSEs
        without a meter register and without connectors: what was only described (by an
        operator or the station's model)."""
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

    def list_for_evse(self, station_id: str, evse_id: int, limit: int) -> list[Transaction]:
        """An EVSE's transactions, newest first, at most `limit`."""
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

    def list_outside_transactions(self, station_id: str) -> list[MeterReading]:
        """Samples taken outside any transaction (no transaction id), in timestamp order."""
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


class TransactionEventRepository(Protocol):
    """The TransactionEvents of 2.0.1 transactions, each stored once."""

    def add(self, event: StoredTransactionEvent, key: bytes) -> None:
        """Insert unless `key` exists (a retried event is stored once). Storage may send
        the insert later in the same database transaction: nothing reads its outcome."""
        ...

    def list_for_transaction(self, transaction_id: int) -> list[StoredTransactionEvent]:
        """A transaction's events in seqNo order (then time, for a restarted seqNo)."""
        ...


class DeviceModelRepository(Protocol):
    """The device model of 2.0.1 stations (NotifyReport) and the report parts received."""

    def add_part(self, part: StoredPart, key: bytes) -> bool:
        """Insert unless `key` exists; True when inserted (False: a retried part)."""
        ...

    def save_variables(
        self,
        station_id: str,
        variables: Sequence[ReportedVariable],
        reported_at: datetime,
        request_id: int,
    ) -> None:
        """Insert or update the variables and their attributes, except those stored from a
        report generated later than `reported_at` (the newest report wins)."""
        ...

    def list_variables(self, station_id: str) -> list[DeviceVariable]:
        """A station's stored attributes, by component, EVSE, connector, variable, type."""
        ...

    def list_parts(self, station_id: str) -> list[StoredPart]:
        """The report parts a station sent."""
        ...


class SecurityRepository(Protocol):
    """Stations' security profiles and the certificates the CSMS CA issued."""

    def get_station(self, station_id: str) -> StationSecurity | None:
        """The station's security record, or None when it never connected."""
        ...

    def save_station(self, record: StationSecurity) -> None:
        """Insert or overwrite the station's security record."""
        ...

    def find_certificate(self, key: bytes) -> IssuedCertificate | None:
        """The certificate issued for the signing request with this key, or None."""
        ...

    def add_certificate(self, certificate: IssuedCertificate, key: bytes) -> bool:
        """Insert unless a certificate for `key` exists; True when inserted."""
        ...

    def record_delivery(self, serial_number: str, delivery: Delivery, at: datetime) -> None:
        """Store what became of sending the certificate to its station."""
        ...

    def list_certificates(self, station_id: str) -> list[IssuedCertificate]:
        """A station's issued certificates, newest first."""
        ...


class AccessRepository(Protocol):
    """API keys, users and login tokens (`domain.access`). Secrets are looked up by hash."""

    def add_key(self, key: ApiKey) -> None:
        """Insert a new key (its id and hash are fresh random values)."""
        ...

    def get_key(self, key_id: str) -> ApiKey | None:
        """The key, or None."""
        ...

    def key_by_hash(self, secret_hash: bytes) -> ApiKey | None:
        """The key whose secret hashes to `secret_hash`, or None."""
        ...

    def save_key(self, key: ApiKey) -> None:
        """Overwrite what may change on a key: last use and revocation."""
        ...

    def list_keys(self, *, after: str | None, limit: int) -> list[ApiKey]:
        """Keys by id, after `after`, at most `limit`."""
        ...

    def add_user(self, user: User) -> bool:
        """Insert unless its id, name or email (any case) is taken; True when inserted."""
        ...

    def get_user(self, user_id: str) -> User | None:
        """The user, or None."""
        ...

    def user_by_login(self, login: str) -> User | None:
        """The user whose name or email is `login` in any letter case, or None."""
        ...

    def save_user(self, user: User) -> None:
        """Overwrite the user (the caller checked that its email is not another's login)."""
        ...

    def list_users(self, *, after: str | None, limit: int) -> list[User]:
        """Users by id, after `after`, at most `limit`."""
        ...

    def add_login_token(self, token: LoginToken) -> None:
        """Insert a new login token."""
        ...

    def login_token_by_hash(self, secret_hash: bytes) -> LoginToken | None:
        """The login token whose secret hashes to `secret_hash`, or None."""
        ...

    def revoke_login_tokens(self, user_id: str, at: datetime, token_id: str | None = None) -> int:
        """Revoke a user's unrevoked login tokens (only `token_id`, when given); the count."""
        ...


class OperatorRepository(Protocol):
    """What only operators ask of the records (REST API, CLI), never the OCPP path:
    filtered lists a page at a time (`domain.queries`: up to ``limit + 1`` rows) and
    removals."""

    def stations(self, query: StationQuery) -> list[Station]:
        """Stations by id after the cursor, filtered."""
        ...

    def tokens(self, query: TokenQuery) -> list[IdToken]:
        """Id tokens by case-insensitive id tag after the cursor, filtered."""
        ...

    def transactions(self, query: TransactionQuery) -> list[Transaction]:
        """Transactions by id, newest first, before the cursor, filtered."""
        ...

    def events(self, query: EventQuery) -> list[EventEntry]:
        """A station's events by id, newest first, before the cursor."""
        ...

    def delete_station(self, station_id: str) -> bool:
        """Delete the station unless any other record refers to it; True when deleted."""
        ...

    def delete_token(self, id_tag: str) -> bool:
        """Delete the id token (any letter case); True when it existed."""
        ...


class CommandRepository(Protocol):
    """Commands to stations (`domain.commands`), and the transactions remote starts caused."""

    def add(self, record: CommandRecord, key: bytes) -> int:
        """Insert unless `key` exists; the record's id either way."""
        ...

    def get(self, command_id: int) -> CommandRecord | None:
        """The command, or None."""
        ...

    def save(self, record: CommandRecord) -> None:
        """Overwrite what may change: action, request, outcome, finish time, link window."""
        ...

    def list_for_station(
        self, station_id: str, *, after: int | None, limit: int
    ) -> list[CommandRecord]:
        """A station's commands, newest first, before the id `after`, at most `limit`."""
        ...

    def fail_pending(self, reason: str, at: datetime) -> int:
        """Finish every PENDING command as FAILED with `reason`; the count."""
        ...

    def link_remote_start(self, station_id: str, command_id: int, transaction_id: int) -> None:
        """2.0.1: tie the station's RequestStartTransaction `command_id` (its remoteStartId)
        to `transaction_id`, unless it is tied already."""
        ...

    def remote_started(self, station_id: str, since_transaction_id: int) -> set[int]:
        """The ids (>= `since_transaction_id`) of the station's transactions that one of
        its commands (a remote start) caused."""
        ...

    def link_start(
        self, station_id: str, evse_id: int, id_tag: str, transaction_id: int, at: datetime
    ) -> None:
        """1.6: tie the newest linkable RemoteStartTransaction of the station for `id_tag`
        (any case) on `evse_id` (or on any EVSE) to `transaction_id`."""
        ...


class ReservationRepository(Protocol):
    """Reservations (`domain.reservations`), by id: the id of the command that made them."""

    def add(self, reservation: Reservation) -> None:
        """Insert unless a reservation with this id exists."""
        ...

    def get(self, reservation_id: int) -> Reservation | None:
        """The reservation, or None."""
        ...

    def save(self, reservation: Reservation) -> None:
        """Overwrite what may change: state, status, reason, update time, transaction."""
        ...

    def use(self, station_id: str, reservation_id: int, transaction_id: int, at: datetime) -> None:
        """Mark the station's reservation USED by `transaction_id`, if its state allows
        (`sources(USED)`): one statement, for the transaction hot path."""
        ...

    def expire_due(self, at: datetime, reason: str) -> int:
        """Mark EXPIRED, with `reason`, every reservation whose state expires by time and
        whose expiry is not after `at`; the count."""
        ...

    def fail_pending(self, reason: str, at: datetime) -> int:
        """Finish every PENDING reservation as FAILED with `reason`; the count."""
        ...

    def list(self, query: ReservationQuery) -> list[Reservation]:
        """Reservations, newest first, before the cursor, filtered (up to ``limit + 1``)."""


class CustomerRepository(Protocol):
    """Customers, contracts, gateways, devices and EV charging information
    (`domain.customers`).

    Creates are idempotent by `key` (random per create request): run again after an
    ambiguous commit, an `add_*` finds the row it inserted the first time and returns its
    id. Lists are pages by ascending id (contracts: by contract number), after `after`, at
    most `limit` rows. A `delete_*` removes the row only when nothing refers to it.
    """

    def add_customer(self, customer: Customer, key: bytes) -> int:
        """Insert (its `id` is ignored); the new id."""
        ...

    def get_customer(self, customer_id: int) -> Customer | None:
        """The customer, or None."""
        ...

    def list_customers(self, *, after: int | None, limit: int) -> list[Customer]:
        """Customers by id."""
        ...

    def save_customer(self, customer: Customer) -> None:
        """Overwrite the customer's name."""
        ...

    def delete_customer(self, customer_id: int) -> bool:
        """Delete unless it has contracts; True when deleted."""
        ...

    def add_contract(self, contract: Contract, key: bytes) -> int | None:
        """Insert; the new id, or None when the customer has a contract with this number."""
        ...

    def get_contract(self, customer_id: int, contract_no: int) -> Contract | None:
        """The customer's contract with this number, or None."""
        ...

    def list_contracts(self, customer_id: int, *, after: int | None, limit: int) -> list[Contract]:
        """A customer's contracts by contract number (`after`: a contract number)."""
        ...

    def save_contract(self, contract: Contract) -> bool:
        """Overwrite the contract number; False when the customer has another contract
        with that number (nothing written)."""
        ...

    def delete_contract(self, contract_id: int) -> bool:
        """Delete unless it has gateways; True when deleted."""
        ...

    def add_gateway(self, gateway: Gateway, key: bytes) -> int:
        """Insert; the new id."""
        ...

    def get_gateway(self, contract_id: int, gateway_id: int) -> Gateway | None:
        """The contract's gateway, or None (also when the gateway belongs to another)."""
        ...

    def list_gateways(self, contract_id: int, *, after: int | None, limit: int) -> list[Gateway]:
        """A contract's gateways by id."""
        ...

    def save_gateway(self, gateway: Gateway) -> None:
        """Overwrite the gateway's name and power limit."""
        ...

    def delete_gateway(self, gateway_id: int) -> bool:
        """Delete unless it has devices; True when deleted."""
        ...

    def add_device(self, device: Device, key: bytes) -> int | None:
        """Insert; the new id, or None when the station or EVSE is a device already."""
        ...

    def get_device(self, gateway_id: int, device_id: int) -> Device | None:
        """The gateway's device, or None (also when the device is behind another)."""
        ...

    def devices_of_station(self, station_id: str) -> list[Device]:
        """The devices that are the station or one of its EVSEs."""
        ...

    def list_devices(self, gateway_id: int, *, after: int | None, limit: int) -> list[Device]:
        """A gateway's devices by id."""
        ...

    def save_device(self, device: Device) -> bool:
        """Overwrite the device's station and EVSE; False when that station or EVSE is
        another device already (nothing written)."""
        ...

    def delete_device(self, device_id: int) -> bool:
        """Delete unless it has EV charging information; True when deleted."""
        ...

    def add_ev_info(self, info: EvChargingInfo, key: bytes) -> bool:
        """Insert unless the device has EV charging information; True when inserted (or
        when this key inserted it before)."""
        ...

    def get_ev_info(self, device_id: int) -> EvChargingInfo | None:
        """The device's EV charging information, or None."""
        ...

    def save_ev_info(self, info: EvChargingInfo) -> None:
        """Overwrite the device's EV charging information (all but `created_at`)."""
        ...

    def delete_ev_info(self, device_id: int) -> bool:
        """Delete the device's EV charging information; True when there was some."""


class StationModelRepository(Protocol):
    """The station model catalog (`domain.station_models`). Models are never deleted."""

    def add(self, model: StationModel, key: bytes) -> str:
        """Insert `model` (its `id` is ignored) unless `key` exists; the model's id either
        way. Ids follow creation order."""
        ...

    def get(self, model_id: str) -> StationModel | None:
        """The model, or None (also for a string that is not a model id)."""
        ...

    def save(self, model: StationModel) -> None:
        """Overwrite the stored model `model.id`."""
        ...

    def match(self, vendor: str, model: str) -> str | None:
        """The id of the newest non-archived model with this vendor and model (any letter
        case), or None: one indexed lookup (the BootNotification path)."""
        ...

    def page(self, query: ModelQuery) -> list[StationModel]:
        """Models by id after the cursor, filtered (up to ``limit + 1``)."""
        ...

    def all(self) -> list[StationModel]:
        """The whole catalog, archived models too, by id."""
        ...


class StationConfigurationRepository(Protocol):
    """What the CSMS last read and set of each model key on each station."""

    def list(self, station_id: str) -> list[KeyState]:
        """A station's key states, by key."""
        ...

    def replace(self, station_id: str, states: Sequence[KeyState]) -> None:
        """Make `states` the station's key states (those of other keys are removed)."""


class MessageLogRepository(Protocol):
    """The per-station log of OCPP frames (`domain.message_log`)."""

    def add(self, frames: Sequence[LoggedFrame]) -> None:
        """Insert the frames, in order (later frames get higher ids). Nothing is reported
        back, so storage may send the inserts later in the same database transaction."""
        ...

    def list(self, query: MessageQuery) -> list[LogEntry]:
        """A station's frames by id, newest first, before the cursor, filtered (up to
        ``limit + 1`` rows, as `OperatorRepository` lists)."""
        ...

    def delete_before(self, at: datetime, limit: int) -> tuple[int, bool]:
        """Delete frames logged before `at`, at most `limit` of storage's blocks of them
        (a block holds a station's frames of one flush); return how many frames were
        deleted and whether there may be more to delete (a full chunk).

        A block goes once all its frames are past `at`: its last frame is at most about a
        flush interval younger than its first."""
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
    @property
    def security(self) -> SecurityRepository: ...
    @property
    def device_model(self) -> DeviceModelRepository: ...
    @property
    def transaction_events(self) -> TransactionEventRepository: ...
    @property
    def access(self) -> AccessRepository: ...
    @property
    def operator(self) -> OperatorRepository: ...
    @property
    def commands(self) -> CommandRepository: ...
    @property
    def reservations(self) -> ReservationRepository: ...
    @property
    def customers(self) -> CustomerRepository: ...
    @property
    def station_models(self) -> StationModelRepository: ...
    @property
    def station_configuration(self) -> StationConfigurationRepository: ...
    @property
    def message_log(self) -> MessageLogRepository: ...


@dataclass(frozen=True, slots=True)
class Reads:
    """What a unit of work is going to read, declared up front (a hint, never required).

    Storage may fetch the declared rows of a whole batch of units in one query before it
    runs them: on PostgreSQL that saves a network round trip per unit (the MeterValues hot
    path reads its transaction). It may also serve them from memory, as it last wrote
    them, checking before the commit that they are still so. The unit still reads through
    its repositories as usual.
    """

    transactions: tuple[int, ...] = ()
    # Transactions by natural key (`TransactionRepository.find`): 2.0.1 events name theirs.
    transaction_keys: tuple[bytes, ...] = ()


class UnitOfWork(Protocol):
    """Runs a unit of work durably: when `submit` returns, its writes are committed."""

    async def submit(self, work: Callable[[Repositories], T], reads: Reads | None = None) -> T:
        """Run `work` in a database transaction and return its result after the commit."""
        ...


Command = tuple[str, dict[str, Any]]
"""An OCPP action and its CALL payload, ready for `StationLink.call`."""


class StationLink(Protocol):
    """Sends a CALL to a connected station and returns its answer (the gateway's registry).

    Every CSMS-initiated command goes through this one seam: security (password rotation,
    CertificateSigned) today, the REST API's remote commands next, a message bus to the node
    holding the socket when Voltgate runs on several nodes.
    """

    async def call(self, station_id: str, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send `action` with `payload` (valid for the station's OCPP version); return the
        CALLRESULT payload.

        Raises:
            StationOffline: the station has no connection to this node (or lost it).
            CommandTimedOut: no answer within the call timeout.
            CommandFailed: the station answered with a CALLERROR or an invalid CALLRESULT.
        """
        ...


class SecurityCommands(Protocol):
    """One OCPP version's security messages to a station, and how to read their answers.

    The domain decides what to send; the handlers layer knows how each version spells it
    (`voltgate.handlers.security_commands`), so the domain never builds wire payloads.
    """

    @property
    def password_kind(self) -> PasswordKind:
        """The password shape this version prescribes."""
        ...

    def set_password(self, password: str) -> Command:
        """The command that sets the station's HTTP Basic auth password."""
        ...

    def password_accepted(self, answer: dict[str, Any]) -> bool:
        """True when the answer to `set_password` says the station accepted it."""
        ...

    def certificate_signed(self, certificate_pem: str) -> Command:
        """The command that installs a signed station certificate."""
        ...

    def certificate_accepted(self, answer: dict[str, Any]) -> bool:
        """True when the answer to `certificate_signed` says the station accepted it."""
        ...
