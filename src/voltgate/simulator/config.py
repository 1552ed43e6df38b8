"""What a simulation run looks like: one frozen `SimulationConfig`, checked when it is built.

Every knob of the simulator lives here once; the CLI (`cli.py`) only maps options onto these
fields, and the benchmark builds the same object in code. Randomness is an input too: `seed`
fixes the station ids' EVs, idle times and tag choices, so a run can be repeated.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from voltgate.ocpp.errors import OcppVersion

# The versions a station can speak, by the name users type, with their subprotocol.
VERSIONS = {"1.6": OcppVersion.V16, "2.0.1": OcppVersion.V201}
SUPPORTED_VERSIONS = tuple(VERSIONS)
# The longest idTag: OCPP 1.6 §7.28 IdToken is CiString20Type; 2.0.1 IdTokenType.idToken is
# identifierString[0..36] (part 2 §2.28 IdTokenType).
MAX_ID_TAG = {"1.6": 20, "2.0.1": 36}


def generated_id_tags(id_prefix: str, count: int) -> tuple[str, ...]:
    """The idTags used when none are given: PREFIX + TAG-00001..., one per connector.

    One tag per connector, because a CSMS may refuse a tag that is already charging
    elsewhere (StartTransaction answered ConcurrentTx, OCPP 1.6 §7.2).
    """
    return tuple(f"{id_prefix}TAG-{n:05d}" for n in range(1, count + 1))


def basic_auth(station_id: str, password: str | None) -> str | None:
    """The HTTP Basic Authorization header value (user name = station id, security
    profile 1 of OCPP 1.6 and 2.0.1), or None without a password."""
    if password is None:
        return None
    token = base64.b64encode(f"{station_id}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


class ConfigError(ValueError):
    """A simulation setting is impossible; the message says which one and what to do."""


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """Settings of one simulation run.

    Args:
        url: the CSMS's OCPP endpoint without the station id, e.g. ws://127.0.0.1:9000/ocpp;
            each station connects to `<url>/<station id>` (OCPP-J 1.6 §3.1.1, 2.0.1 part 4
            §3.1.1).
        stations: how many stations to simulate.
        id_prefix: station ids are the prefix plus a 5-digit number: SIM-00001, SIM-00002...
        password: HTTP Basic auth password (username = station id, security profile 1);
            None sends no credentials. A 2.0.1 station takes a new one from the CSMS
            (SetVariables SecurityCtrlr.BasicAuthPassword) for its next connection.
        version: OCPP version to speak: "1.6" or "2.0.1".
        connectors: connectors per station (each runs its own transactions).
        heartbeat_interval: seconds between Heartbeats; None uses the interval the server
            returns in BootNotification.conf.
        meter_interval: seconds between MeterValues during a transaction.
        transaction_seconds: mean transaction length (each one varies by +-25%).
        idle_seconds: mean idle time of a connector between transactions (+-50%).
        id_tags: the idTags presented for local starts; a tag is used by one transaction at a
            time. Empty means one generated tag per connector (see `generated_id_tags`).
        ramp: new connections per second while the stations come up (0 = all at once).
        duration: seconds the whole run lasts, ramp-up included; None runs until stopped.
        seed: seed for every random choice; None draws one (reported in the JSON report).
        call_timeout: seconds to wait for an answer before counting the CALL as timed out.
        validate: check outgoing and incoming payloads against the official JSON schemas.
        reconnect_min / reconnect_max: bounds of the exponential reconnect backoff, seconds.
        progress_seconds: seconds between the status notifications of a job the CSMS asked
            for (a firmware update's Downloading, Downloaded, Installing, Installed; a log
            upload's Uploading, Uploaded).
    """

    url: str
    stations: int = 10
    id_prefix: str = "SIM-"
    password: str | None = None
    version: str = "1.6"
    connectors: int = 2
    heartbeat_interval: float | None = None
    meter_interval: float = 10.0
    transaction_seconds: float = 120.0
    idle_seconds: float = 60.0
    id_tags: tuple[str, ...] = ()
    ramp: float = 50.0
    duration: float | None = None
    seed: int | None = None
    call_timeout: float = 30.0
    validate: bool = True
    reconnect_min: float = 1.0
    reconnect_max: float = 30.0
    progress_seconds: float = 2.0
    vendor: str = field(default="Voltgate")
    model: str = field(default="Simulator")

    def __post_init__(self) -> None:
        if self.version not in VERSIONS:
            raise ConfigError(
                f"OCPP version {self.version!r} cannot be simulated: "
                f"choose one of {', '.join(SUPPORTED_VERSIONS)}"
            )
        if not self.url.startswith(("ws://", "wss://")):
            raise ConfigError(f"the URL must start with ws:// or wss://, got {self.url!r}")
        _positive("stations", self.stations)
        _positive("connectors", self.connectors)
        _positive("meter interval", self.meter_interval)
        _positive("transaction seconds", self.transaction_seconds)
        _positive("call timeout", self.call_timeout)
        _positive("progress seconds", self.progress_seconds)
        if self.heartbeat_interval is not None:
            _positive("heartbeat interval", self.heartbeat_interval)
        if self.duration is not None:
            _positive("duration", self.duration)
        if self.idle_seconds < 0 or self.ramp < 0:
            raise ConfigError("idle seconds and ramp must not be negative")
        longest = MAX_ID_TAG[self.version]
        if any(not 0 < len(tag) <= longest for tag in self.effective_id_tags()):
            raise ConfigError(
                f"id tags must be 1 to {longest} characters long (OCPP {self.version} IdToken); "
                "with a long --id-prefix, pass the tags with --id-tag"
            )
        if self.stations > 99_999 or len(self.station_id(self.stations)) > 48:
            # The serial number reported at boot is cut to 25 characters (1.6
            # chargeBoxSerialNumber CiString25, 2.0.1 serialNumber string[0..25]); the id itself
            # is bounded by the CSMS, 48 characters is the 2.0.1 identity limit.
            raise ConfigError("at most 99,999 stations, with ids of at most 48 characters")

    def station_id(self, number: int) -> str:
        """The id of station `number` (1-based): SIM-00001 for the default prefix."""
        return f"{self.id_prefix}{number:05d}"

    def station_ids(self) -> list[str]:
        """The ids of all simulated stations, in start order."""
        return [self.station_id(n) for n in range(1, self.stations + 1)]

    def effective_id_tags(self) -> tuple[str, ...]:
        """The idTags the stations use: the given ones, or one generated per connector."""
        return self.id_tags or generated_id_tags(self.id_prefix, self.stations * self.connectors)

    def station_url(self, station_id: str) -> str:
        """Where `station_id` connects: the base URL plus its id as the last path segment."""
        return f"{self.url.rstrip('/')}/{station_id}"

    @property
    def ocpp_version(self) -> OcppVersion:
        """The version as the protocol core names it (and its WebSocket subprotocol)."""
        return VERSIONS[self.version]

    def auth_header(self, station_id: str) -> str | None:
        """The HTTP Basic Authorization header value, or None without a password."""
        return basic_auth(station_id, self.password)

    def describe(self) -> dict[str, object]:
        """The settings as JSON-friendly data for reports, without the password."""
        return {
            "url": self.url,
            "stations": self.stations,
            "id_prefix": self.id_prefix,
            "password": None if self.password is None else "***",
            "version": self.version,
            "connectors": self.connectors,
            "heartbeat_interval": self.heartbeat_interval,
            "meter_interval": self.meter_interval,
            "transaction_seconds": self.transaction_seconds,
            "idle_seconds": self.idle_seconds,
            "id_tags": list(self.id_tags) or "generated",
            "ramp": self.ramp,
            "duration": self.duration,
            "seed": self.seed,
            "validate": self.validate,
            "progress_seconds": self.progress_seconds,
        }


def _positive(name: str, value: float) -> None:
    if value <= 0:
        raise ConfigError(f"{name} must be greater than 0, got {value}")
