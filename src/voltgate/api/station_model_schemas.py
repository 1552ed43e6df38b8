"""The shapes of the station model catalog: reference 04 exactly as documented (field names,
enums, max lengths, required fields), and the native additions (key mappings, the catalog
document of export and import, the drift report).

The enums are the domain's own (`domain.station_models`): their values are reference 04's
spelling, which is also ours (UPPER_SNAKE_CASE).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, model_validator

from voltgate.api.command_schemas import CommandState
from voltgate.api.conventions import (
    ApiModel,
    Name,
    Printable,
    UtcDateTime,
    text_field,
    to_api,
    to_domain,
)
from voltgate.api.enums import ConnectionType, ConnectorFormat, PowerType
from voltgate.domain import equipment
from voltgate.domain import station_models as sm
from voltgate.domain.catalog_import import CatalogEntry, ImportOutcome, ImportResult
from voltgate.domain.station_configuration import DriftReport, DriftState, KeyDrift

MODEL_ID_PATTERN = r"^mdl_[0-9]{10}$"
ModelId = Annotated[str, Field(pattern=MODEL_ID_PATTERN, examples=["mdl_0000000001"])]
"""A model's id: ``mdl_`` and its number, zero-padded (ids sort in creation order)."""


ImageUrl = Annotated[
    str,
    Field(min_length=1, max_length=sm.MAX_IMAGE_URL, pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://\S+$"),
    Printable,
]
"""An http(s) URL (a page shows it as an image: no javascript: or data: URLs)."""
KeyName = Annotated[str, text_field(sm.MAX_KEY_NAME), Printable]
KeyValue = Annotated[str, text_field(sm.MAX_KEY_VALUE, min_length=0), Printable]
Protocol = Annotated[str, text_field(20), Printable]


def _json_number(value: object) -> object:
    # Reference 04 has these as JSON numbers: "32" or true are not (123.0 is, for an id).
    if isinstance(value, str | bool):
        raise ValueError("must be a JSON number")
    return value


ConnectorId = Annotated[int, BeforeValidator(_json_number), Field(ge=1, le=sm.MAX_CONNECTOR_ID)]
Rating = Annotated[float, BeforeValidator(_json_number), Field(gt=0, allow_inf_nan=False)]


class ModelConnectorIn(ApiModel):
    """A connector of the model (reference 04: every field required)."""

    id: ConnectorId = Field(description="The connector ID (a whole number).")
    connection_type: ConnectionType
    format: ConnectorFormat
    max_amperage: Rating = Field(description="Maximum amperage in amps.")
    max_voltage: Rating = Field(description="Maximum voltage in volts.")
    max_power_watts: Rating = Field(description="Maximum power in watts.")

    def domain(self) -> sm.ModelConnector:
        return sm.ModelConnector(
            self.id,
            to_domain(equipment.ConnectionType, self.connection_type),
            to_domain(equipment.ConnectorFormat, self.format),
            self.max_amperage,
            self.max_voltage,
            self.max_power_watts,
        )


class ConfigurationKeysIn(ApiModel):
    """``ocppUrl`` (required: the ws:// or wss:// URL stations of the model connect to) and
    any further keys, each a 1.6 configuration key or a 2.0.1 ``Component.Variable`` with
    its value (unless `keyMappings` name it otherwise per version)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, KeyValue] = Field(init=False)

    ocpp_url: Name = Field(
        alias="ocppUrl", description="The OCPP URL configuration key for this model."
    )

    @model_validator(mode="after")
    def _names(self) -> ConfigurationKeysIn:
        for name in self.model_extra or {}:
            if not 1 <= len(name) <= sm.MAX_KEY_NAME or not name.isprintable():
                raise ValueError(f"key names have 1 to {sm.MAX_KEY_NAME} printable characters")
        return self

    def domain(self) -> dict[str, str]:
        return {sm.OCPP_URL: self.ocpp_url, **(self.model_extra or {})}


KeyMappingsIn = Annotated[
    dict[KeyName, dict[Protocol, KeyName | None]],
    Field(
        max_length=sm.MAX_KEYS,
        description="Per configuration key, its name on stations of each OCPP version "
        "(``ocpp1.6``, ``ocpp2.0.1``); null: not applied on that version. Example: "
        '``{"ocppUrl": {"ocpp1.6": "CentralSystemURL", "ocpp2.0.1": null}}``.',
    ),
]


class StationModelIn(ApiModel):
    """A new charging station model (reference 04 create body)."""

    vendor: Name = Field(description="The vendor/manufacturer of the charging station.")
    model: Name = Field(description="The model name of the charging station.")
    friendly_name: Name | None = None
    power_type: PowerType
    connectors: list[ModelConnectorIn] = Field(min_length=1, max_length=sm.MAX_CONNECTORS)
    configuration_keys: ConfigurationKeysIn
    image_url: ImageUrl | None = None

    def draft(self, mappings: dict[str, dict[str, str | None]] | None = None) -> sm.ModelDraft:
        return sm.ModelDraft(
            vendor=self.vendor,
            model=self.model,
            power_type=to_domain(equipment.PowerType, self.power_type),
            connectors=tuple(connector.domain() for connector in self.connectors),
            configuration_keys=self.configuration_keys.domain(),
            friendly_name=self.friendly_name,
            image_url=self.image_url,
            key_mappings=mappings or {},
        )


class StationModelPatch(ApiModel):
    """Only ``friendlyName`` can be updated (reference 04); any other field is refused."""

    model_config = ConfigDict(extra="allow")

    friendly_name: Name | None = None


class ModelConnectorOut(ApiModel):
    """A connector of a model."""

    id: int
    connection_type: ConnectionType
    format: ConnectorFormat
    max_amperage: float
    max_voltage: float
    max_power_watts: float

    @classmethod
    def of(cls, connector: sm.ModelConnector) -> ModelConnectorOut:
        return cls(
            id=connector.id,
            connection_type=to_api(ConnectionType, connector.connection_type),
            format=to_api(ConnectorFormat, connector.format),
            max_amperage=connector.max_amperage,
            max_voltage=connector.max_voltage,
            max_power_watts=connector.max_power_watts,
        )


class StationModelOut(ApiModel):
    """A charging station model, as reference 04 shows it."""

    id: str
    vendor: str
    model: str
    friendly_name: str | None
    power_type: PowerType
    connectors: list[ModelConnectorOut]
    configuration_keys: dict[str, str] = Field(examples=[{"ocppUrl": "wss://csms.example/ocpp"}])
    image_url: str | None
    is_archived: bool
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @classmethod
    def of(cls, model: sm.StationModel) -> StationModelOut:
        return cls(**_model_fields(model))


def _model_fields(model: sm.StationModel) -> dict[str, Any]:
    return {
        "id": model.id,
        "vendor": model.vendor,
        "model": model.model,
        "friendly_name": model.friendly_name,
        "power_type": to_api(PowerType, model.power_type),
        "connectors": [ModelConnectorOut.of(connector) for connector in model.connectors],
        "configuration_keys": dict(model.configuration_keys),
        "image_url": model.image_url,
        "is_archived": model.is_archived,
        "created_at": model.created_at,
        "updated_at": model.updated_at,
    }


# --- Native additions


class ModelConfigurationIn(ApiModel):
    """A model's configuration keys and their names per OCPP version (replaced whole)."""

    configuration_keys: ConfigurationKeysIn
    key_mappings: KeyMappingsIn = Field(default_factory=dict)


class ModelConfigurationOut(ApiModel):
    """A model's configuration keys and their names per OCPP version."""

    model_id: str
    configuration_keys: dict[str, str]
    key_mappings: dict[str, dict[str, str | None]]

    @classmethod
    def of(cls, model: sm.StationModel) -> ModelConfigurationOut:
        return cls(
            model_id=model.id,
            configuration_keys=dict(model.configuration_keys),
            key_mappings=sm.copy_mappings(model.key_mappings),
        )


MAX_CATALOG_MODELS = 10_000


class CatalogModel(StationModelIn):
    """A model in a catalog document to import: reference 04's fields, its key mappings,
    whether it is archived; `id`, `createdAt` and `updatedAt` as exported (`id` only helps
    to tell apart models with the same vendor and model; the times are not taken)."""

    key_mappings: KeyMappingsIn = Field(default_factory=dict)
    is_archived: bool = False
    id: ModelId | None = None
    created_at: UtcDateTime | None = None
    updated_at: UtcDateTime | None = None

    def entry(self) -> CatalogEntry:
        return CatalogEntry(self.draft(self.key_mappings), self.is_archived, self.id)


class CatalogDocument(ApiModel):
    """A catalog document to import (`POST /api/v1/station-models/import`): what the
    export wrote."""

    format: Literal["voltgate.station-models"]
    version: Literal[1]
    exported_at: UtcDateTime | None = None
    models: list[CatalogModel] = Field(max_length=MAX_CATALOG_MODELS)


class CatalogModelOut(StationModelOut):
    """A model in the exported catalog document: reference 04's fields and its key
    mappings."""

    key_mappings: dict[str, dict[str, str | None]]

    @classmethod
    def of(cls, model: sm.StationModel) -> CatalogModelOut:
        mappings = sm.copy_mappings(model.key_mappings)
        return cls(**_model_fields(model), key_mappings=mappings)


class CatalogExport(ApiModel):
    """The whole catalog, archived models too, in creation order."""

    format: Literal["voltgate.station-models"] = "voltgate.station-models"
    version: Literal[1] = 1
    exported_at: UtcDateTime
    models: list[CatalogModelOut]


class ImportItemOut(ApiModel):
    """What became of one model of the document (`index`: its position, from 0)."""

    index: int
    vendor: str
    model: str
    result: ImportResult
    id: str | None = Field(description="The model created, updated or matched.")
    reason: str | None = Field(description="Why the entry was refused.")

    @classmethod
    def of(cls, outcome: ImportOutcome) -> ImportItemOut:
        return cls(
            index=outcome.index,
            vendor=outcome.vendor,
            model=outcome.model,
            result=outcome.result,
            id=outcome.model_id,
            reason=outcome.reason,
        )


class ImportReportOut(ApiModel):
    """The counts per result, and every entry's result in document order."""

    created: int
    updated: int
    unchanged: int
    refused: int
    items: list[ImportItemOut]

    @classmethod
    def of(cls, outcomes: list[ImportOutcome]) -> ImportReportOut:
        counts = {result: 0 for result in ImportResult}
        for outcome in outcomes:
            counts[outcome.result] += 1
        return cls(
            created=counts[ImportResult.CREATED],
            updated=counts[ImportResult.UPDATED],
            unchanged=counts[ImportResult.UNCHANGED],
            refused=counts[ImportResult.REFUSED],
            items=[ImportItemOut.of(outcome) for outcome in outcomes],
        )


class ApplyOut(ApiModel):
    """The last time the CSMS set the key: the command (see `/api/v1/commands/{id}`)."""

    command_id: int
    value: str
    state: CommandState
    status: str | None
    reason: str | None
    at: UtcDateTime | None


class KeyDriftOut(ApiModel):
    """One model key on the station: expected, as read (`readAt`), and as last set."""

    key: str
    station_key: str | None = Field(description="Its name on the station (null: unmapped).")
    state: DriftState
    expected: str
    actual: str | None
    read_at: UtcDateTime | None
    last_apply: ApplyOut | None
    note: str | None

    @classmethod
    def of(cls, line: KeyDrift) -> KeyDriftOut:
        apply = line.last_apply
        return cls(
            key=line.key,
            station_key=line.station_key,
            state=line.state,
            expected=line.expected,
            actual=line.actual,
            read_at=line.read_at,
            last_apply=None
            if apply is None
            else ApplyOut(
                command_id=apply.command_id,
                value=apply.value,
                state=to_api(CommandState, apply.state),
                status=apply.status,
                reason=apply.reason,
                at=apply.at,
            ),
            note=line.note,
        )


class DriftOut(ApiModel):
    """A station's settings against its model's (`keys` empty: the station has no model).
    `live`: read from the station for this answer; else the last read stored, and
    `readError` says why a live read failed."""

    station_id: str
    model_id: str | None
    protocol: str | None
    in_sync: bool
    live: bool
    read_error: str | None
    keys: list[KeyDriftOut]

    @classmethod
    def of(cls, report: DriftReport) -> DriftOut:
        return cls(
            station_id=report.station_id,
            model_id=report.model_id,
            protocol=report.protocol,
            in_sync=report.in_sync,
            live=report.live,
            read_error=report.read_error,
            keys=[KeyDriftOut.of(line) for line in report.keys],
        )
