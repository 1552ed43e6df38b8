"""The station model catalog: what a kind of charging station is (reference 04), and the
rules a model must keep.

A model names a vendor and a model as stations announce themselves in BootNotification
(1.6 chargePointVendor/chargePointModel, 2.0.1 chargingStation.vendorName/model), its power
type, its connectors with their ratings, and the configuration keys every station of the
model should have. Models are never deleted: an archived model stays readable and keeps its
stations, but no new station may choose it.

Ids are ``mdl_`` and ten digits of a storage sequence (`format_model_id`), so that their
text order is their creation order: a cursor (``startingAfter``) then neither skips nor
repeats models created while someone pages through the catalog.

Configuration keys: ``ocppUrl`` is required (the URL stations of the model connect to);
admins may add further keys. How each key is named on a station of each OCPP version is
`domain.station_configuration`'s business (`key_mappings`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from voltgate.domain.equipment import (
    ConnectionType,
    ConnectorEquipment,
    ConnectorFormat,
    PowerType,
)
from voltgate.domain.errors import Problem
from voltgate.domain.queries import PageRequest

OCPP_URL = "ocppUrl"
"""The configuration key every model has: the OCPP-J endpoint URL its stations connect to."""

MAX_TEXT = 200  # vendor, model, friendlyName, ocppUrl (reference 04)
MAX_IMAGE_URL = 500  # imageUrl (reference 04)
MAX_CONNECTORS = 100
MAX_KEYS = 20  # one GetConfiguration / GetVariables reads them all (1.6 §5.8, B06.FR.05)
MAX_KEY_NAME = 101  # 2.0.1 Component.Variable: two identifierString[50] and a dot
MAX_KEY_VALUE = 500  # 1.6 ChangeConfiguration value: CiString500 (the stricter version)
MAX_CONNECTOR_ID = 2**31 - 1  # it becomes an EVSE id: an OCPP integer

_ID_PREFIX = "mdl_"
_ID_DIGITS = 10
_ID_PATTERN = re.compile(r"mdl_([0-9]{10})")


@dataclass(frozen=True, slots=True)
class ModelConnector:
    """One connector of a model, with its ratings (amperes, volts, watts)."""

    id: int
    connection_type: ConnectionType
    format: ConnectorFormat
    max_amperage: float
    max_voltage: float
    max_power_watts: float

    @property
    def equipment(self) -> ConnectorEquipment:
        """What a station's connector of this model is (`domain.equipment`)."""
        return ConnectorEquipment(
            self.connection_type,
            self.format,
            self.max_amperage,
            self.max_voltage,
            self.max_power_watts,
        )


KeyMappings = Mapping[str, Mapping[str, str | None]]
"""Per configuration key, its name on stations of each OCPP version (by subprotocol name,
``ocpp1.6`` / ``ocpp2.0.1``); None: the key is not applied on that version."""


def copy_mappings(mappings: KeyMappings) -> dict[str, dict[str, str | None]]:
    """Key mappings as plain dicts of their own (models never share them)."""
    return {key: dict(names) for key, names in mappings.items()}


@dataclass(frozen=True, slots=True)
class ModelDraft:
    """What an admin gives to create a model (or to update one, by import)."""

    vendor: str
    model: str
    power_type: PowerType
    connectors: tuple[ModelConnector, ...]
    configuration_keys: Mapping[str, str]
    friendly_name: str | None = None
    image_url: str | None = None
    key_mappings: KeyMappings = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StationModel:
    """A model of the catalog."""

    id: str
    vendor: str
    model: str
    friendly_name: str | None
    power_type: PowerType
    connectors: tuple[ModelConnector, ...]
    configuration_keys: Mapping[str, str]
    key_mappings: KeyMappings
    image_url: str | None
    is_archived: bool
    created_at: datetime
    updated_at: datetime

    @property
    def draft(self) -> ModelDraft:
        """The model's content, without identity, state and times."""
        return ModelDraft(
            vendor=self.vendor,
            model=self.model,
            power_type=self.power_type,
            connectors=self.connectors,
            configuration_keys=dict(self.configuration_keys),
            friendly_name=self.friendly_name,
            image_url=self.image_url,
            key_mappings=copy_mappings(self.key_mappings),
        )


@dataclass(frozen=True, slots=True)
class ModelQuery:
    """Models by id (creation order) after the cursor: archived ones or the others (the
    reference's ``isArchived``, default false), optionally one vendor and/or model (any
    letter case)."""

    archived: bool = False
    vendor: str | None = None
    model: str | None = None
    page: PageRequest[str] = field(default_factory=PageRequest)


@dataclass(frozen=True, slots=True)
class EvseSlot:
    """Where a model connector lands on a station of the model: one EVSE per connector
    (EVSE id = the connector's id, connector 1 within it), as 1.6 numbers its connectors
    and as a 2.0.1 station with one connector per EVSE reports them."""

    evse_id: int
    connector_id: int
    connector: ModelConnector


def new_model(draft: ModelDraft, archived: bool, now: datetime) -> StationModel:
    """A model of `draft` to store (storage gives it its id)."""
    return StationModel(
        id="",
        vendor=draft.vendor,
        model=draft.model,
        friendly_name=draft.friendly_name,
        power_type=draft.power_type,
        connectors=draft.connectors,
        configuration_keys=dict(draft.configuration_keys),
        key_mappings=copy_mappings(draft.key_mappings),
        image_url=draft.image_url,
        is_archived=archived,
        created_at=now,
        updated_at=now,
    )


def format_model_id(number: int) -> str:
    """The public id of the model stored as `number` (zero-padded: text order = number
    order)."""
    return f"{_ID_PREFIX}{number:0{_ID_DIGITS}d}"


def parse_model_id(model_id: str) -> int | None:
    """The storage number of a model id, or None when `model_id` is not one of ours."""
    match = _ID_PATTERN.fullmatch(model_id)
    return None if match is None else int(match.group(1))


def catalog_key(text: str) -> str:
    """Vendor and model are matched in any letter case (1.6 CiString20/CiString50;
    stations do not agree on the case of their own name)."""
    return text.casefold()


def evse_layout(model: StationModel | ModelDraft) -> tuple[EvseSlot, ...]:
    """The EVSEs and connectors a station of `model` has, by connector id."""
    return tuple(
        EvseSlot(connector.id, 1, connector)
        for connector in sorted(model.connectors, key=lambda c: c.id)
    )


def check_draft(draft: ModelDraft) -> list[Problem]:
    """The rules of reference 04 that a single field's type cannot say, and ours.

    * at least one connector, at most `MAX_CONNECTORS`, each id once;
    * ``configurationKeys.ocppUrl`` is present and a ws:// or wss:// URL without user
      credentials (OCPP-J 1.6 §3.1.1 and 2.0.1 part 4 §3.1.1: "any URL with a ws or wss
      scheme"; a station authenticates with HTTP Basic headers, never the URL);
    * at most `MAX_KEYS` keys;
    * a key mapping names an existing configuration key.
    """
    problems: list[Problem] = []
    if not draft.connectors:
        problems.append(Problem(("connectors",), "a model has at least one connector"))
    if len(draft.connectors) > MAX_CONNECTORS:
        problems.append(Problem(("connectors",), f"at most {MAX_CONNECTORS} connectors"))
    seen: set[int] = set()
    for index, connector in enumerate(draft.connectors):
        if connector.id in seen:
            problems.append(
                Problem(("connectors", index, "id"), f"connector id {connector.id} is used twice")
            )
        seen.add(connector.id)
    keys = draft.configuration_keys
    url = keys.get(OCPP_URL)
    if url is None:
        problems.append(Problem(("configurationKeys", OCPP_URL), "is required"))
    else:
        reason = ocpp_url_problem(url)
        if reason is not None:
            problems.append(Problem(("configurationKeys", OCPP_URL), reason))
    if len(keys) > MAX_KEYS:
        problems.append(Problem(("configurationKeys",), f"at most {MAX_KEYS} keys"))
    for key in draft.key_mappings:
        if key not in keys:
            problems.append(
                Problem(("keyMappings", key), f"{key!r} is not one of the configuration keys")
            )
    return problems


def ocpp_url_problem(url: str) -> str | None:
    """Why `url` cannot be an OCPP-J endpoint URL, or None when it can."""
    if len(url) > MAX_TEXT:
        return f"at most {MAX_TEXT} characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a URL"
    if parts.scheme.lower() not in ("ws", "wss"):
        return "must be a ws:// or wss:// URL"
    if not parts.hostname:
        return "must name a host"
    if "@" in parts.netloc:
        return "must not carry credentials (stations authenticate with HTTP Basic)"
    return None
