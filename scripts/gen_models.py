"""Generate typed wire models (msgspec Structs) from the official OCPP JSON schemas.

Run by hand from the repository root; the output is committed:

    .venv/bin/python scripts/gen_models.py --version 1.6     # src/voltgate/ocpp/v16/
    .venv/bin/python scripts/gen_models.py --version 2.0.1   # src/voltgate/ocpp/v201/

The schemas are the ones the validators use (`voltgate.ocpp.schemas`, read from the installed
`ocpp` package). Rules of the output, so that nothing is inferred at run time:

* one Struct per request and response payload (`BootNotificationRequest`, ...), nested object
  types as Structs, named by their schema definition, or for the types 1.6 inlines, by the
  spec's data type name (`INLINE_TYPE_NAMES`); structurally identical types are emitted once;
* every field spells out its wire name (`msgspec.field(name="connectorId")`) unless the wire
  name already is the snake_case Python name;
* enumerations are `Literal` aliases, named by their definition or `<Owner><Field>`;
* `date-time` strings are `datetime` fields, normalised to aware UTC in `__post_init__`;
* optional fields are `X | None = None` (omitted from the payload when None).
"""

from __future__ import annotations

import argparse
import json
import keyword
import re
import textwrap
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from voltgate.ocpp.errors import OcppVersion
from voltgate.ocpp.schemas import Direction, action_names, load_schema

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "src" / "voltgate" / "ocpp"
VERSIONS = {"1.6": OcppVersion.V16, "2.0.1": OcppVersion.V201}
SUBPACKAGES = {OcppVersion.V16: "v16", OcppVersion.V201: "v201"}
LINE_LIMIT = 100

# The 1.6 schemas inline their object types; these are the names OCPP 1.6 §7 gives them,
# keyed by the property that holds them.
INLINE_TYPE_NAMES = {
    "idTagInfo": "IdTagInfo",
    "chargingProfile": "ChargingProfile",
    "csChargingProfiles": "ChargingProfile",
    "chargingSchedule": "ChargingSchedule",
    "chargingSchedulePeriod": "ChargingSchedulePeriod",
    "configurationKey": "KeyValue",
    "localAuthorizationList": "AuthorizationData",
    "meterValue": "MeterValue",
    "transactionData": "MeterValue",
    "sampledValue": "SampledValue",
}
# Names for the enumerations 1.6 inlines, from OCPP 1.6 §7, keyed by "Owner.field" or "field".
# Others are named <Owner><Field> (BootNotificationResponse.status -> BootNotificationStatus).
INLINE_ENUM_NAMES = {
    "IdTagInfo.status": "AuthorizationStatus",
    "BootNotificationResponse.status": "RegistrationStatus",
    "StatusNotificationRequest.status": "ChargePointStatus",
    "ChangeAvailabilityRequest.type": "AvailabilityType",
    "StopTransactionRequest.reason": "Reason",
    "errorCode": "ChargePointErrorCode",
    "measurand": "Measurand",
    "context": "ReadingContext",
    "format": "ValueFormat",
    "location": "Location",
    "phase": "Phase",
    "unit": "UnitOfMeasure",
    "chargingProfilePurpose": "ChargingProfilePurposeType",
    "chargingProfileKind": "ChargingProfileKindType",
    "recurrencyKind": "RecurrencyKindType",
    "chargingRateUnit": "ChargingRateUnitType",
    "updateType": "UpdateType",
}
# Field names that would shadow a name used in annotations inside the class body.
RESERVED = {"str", "int", "float", "bool", "list", "dict", "datetime", "Any", "Literal"}


@dataclass
class FieldSpec:
    py_name: str
    wire_name: str
    annotation: str
    required: bool


@dataclass
class StructSpec:
    name: str
    doc: str
    fields: list[FieldSpec]
    users: set[str] = field(default_factory=set)


@dataclass
class Context:
    action: str
    message: str
    definitions: dict[str, Any]


class ModelBuilder:
    """Collects Structs and Literal aliases for one protocol version, deduplicated."""

    def __init__(self, version: OcppVersion) -> None:
        self.version = version
        self.structs: dict[str, StructSpec] = {}
        self.aliases: dict[str, tuple[Any, ...]] = {}
        self.signatures: dict[str, str] = {}
        self.requests: dict[str, str] = {}
        self.responses: dict[str, str] = {}

    def add_action(self, action: str) -> None:
        for direction, table, suffix, frame in (
            (Direction.REQUEST, self.requests, "Request", "CALL"),
            (Direction.RESPONSE, self.responses, "Response", "CALLRESULT"),
        ):
            schema = load_schema(self.version, action, direction)
            name = f"{action}{suffix}"
            ctx = Context(action, name, schema.get("definitions", {}))
            doc = f"The {frame} payload of {action} (OCPP {version_label(self.version)})."
            table[action] = self._struct(name, schema, ctx, doc)

    # -- types -----------------------------------------------------------------------------

    def _annotation(self, schema: dict[str, Any], ctx: Context, hint: str, owner: str) -> str:
        if "$ref" in schema:
            def_name = schema["$ref"].rsplit("/", 1)[1]
            target = ctx.definitions[def_name]
            name = target.get("javaType") or def_name.removesuffix("Type")
            return self._named(target, ctx, name)
        if "enum" in schema:
            name = INLINE_ENUM_NAMES.get(f"{owner}.{hint}") or INLINE_ENUM_NAMES.get(hint)
            return self._alias(name or f"{strip_message(owner)}{upper_first(hint)}", schema)
        kind = schema.get("type")
        if kind == "object" and schema.get("properties"):
            return self._named(schema, ctx, INLINE_TYPE_NAMES.get(hint, upper_first(hint)))
        if kind == "array":
            item = self._annotation(schema["items"], ctx, hint, owner)
            if item == "datetime":
                raise NotImplementedError(f"{ctx.message}.{hint}: lists of date-time")
            return f"list[{item}]"
        simple = {
            "string": "datetime" if schema.get("format") == "date-time" else "str",
            "integer": "int",
            "number": "float",
            "boolean": "bool",
            "object": "dict[str, Any]",
        }
        return simple.get(kind, "Any") if isinstance(kind, str) else "Any"

    def _named(self, schema: dict[str, Any], ctx: Context, name: str) -> str:
        if "enum" in schema:
            return self._alias(name, schema)
        doc = f"{name}, a type of OCPP {version_label(self.version)} payloads."
        return self._struct(name, schema, ctx, doc)

    def _alias(self, name: str, schema: dict[str, Any]) -> str:
        """A Literal alias; enums sharing a name get the union of their values, which is
        safe because the schema of each message, not the model, is the authority on values
        (1.6 StopTransaction's `unit` lacks "Hertz", MeterValues' has it)."""
        if self.signatures.setdefault(name, "enum") != "enum":
            raise ValueError(f"enum {name} clashes with a struct of that name")
        known = self.aliases.setdefault(name, ())
        self.aliases[name] = known + tuple(v for v in schema["enum"] if v not in known)
        return name

    def _struct(self, name: str, schema: dict[str, Any], ctx: Context, doc: str) -> str:
        name = self._claim(name, json.dumps(shape(schema, ctx), sort_keys=True), ctx)
        required = set(schema.get("required", []))
        # Walk the fields even for a known struct, so that enum values merge (see _alias).
        fields = [
            FieldSpec(py_name(wire), wire, self._annotation(sub, ctx, wire, name), wire in required)
            for wire, sub in schema.get("properties", {}).items()
        ]
        struct = self.structs.setdefault(name, StructSpec(name, doc, fields))  # after children
        if struct.fields != fields:
            raise ValueError(f"{name} in {ctx.message}: same shape, different fields")
        struct.users.add(ctx.message)
        return name

    def _claim(self, name: str, sig: str, ctx: Context) -> str:
        """`name` if free or taken by the same shape; else the action-prefixed name."""
        for candidate in (name, f"{ctx.action}{name}"):
            if self.signatures.setdefault(candidate, sig) == sig:
                return candidate
        raise ValueError(f"cannot name {name} in {ctx.message}: both names are taken")

    # -- output ----------------------------------------------------------------------------

    def render(self) -> str:
        structs = list(self.structs.values())
        annotations = " ".join(f.annotation for s in structs for f in s.fields)
        renamed = any(f.py_name != f.wire_name for s in structs for f in s.fields)
        typing_names = ["Literal", "TypeAlias"] + (["Any"] if "Any" in annotations else [])
        has_times = re.search(r"\bdatetime\b", annotations) is not None
        label = version_label(self.version)
        lines = [
            f'"""OCPP {label} wire models: one msgspec Struct per request and response payload.',
            "",
            "Generated by scripts/gen_models.py from the official OCA JSON schemas in the `ocpp`",
            f"package {metadata.version('ocpp')}. Do not edit by hand: change the generator and",
            f"run `python scripts/gen_models.py --version {label}`.",
            '"""',
            "",
            "from collections.abc import Mapping",
            *(["from datetime import datetime"] if has_times else []),
            f"from typing import {', '.join(sorted(typing_names))}",
            "",
            *(["import msgspec", ""] if renamed else []),
            f"from voltgate.ocpp.wire import {'WireModel, as_utc' if has_times else 'WireModel'}",
        ]
        for name in sorted(self.aliases):
            lines += ["", *render_alias(name, self.aliases[name])]
        for struct in structs:
            lines += ["", "", *render_struct(struct)]
        for table_name, table in (("REQUESTS", self.requests), ("RESPONSES", self.responses)):
            lines += ["", "", f"{table_name}: Mapping[str, type[WireModel]] = {{"]
            lines += [f'    "{action}": {table[action]},' for action in sorted(table)]
            lines.append("}")
        return "\n".join(lines) + "\n"


def render_alias(name: str, values: tuple[Any, ...]) -> list[str]:
    items = [json.dumps(v) for v in values]
    line = f"{name}: TypeAlias = Literal[{', '.join(items)}]"
    if len(line) <= LINE_LIMIT:
        return [line]
    return [f"{name}: TypeAlias = Literal[", *(f"    {item}," for item in items), "]"]


def render_struct(struct: StructSpec) -> list[str]:
    doc = struct.doc
    users = sorted(struct.users - {struct.name})
    if users:
        doc += f" Used by {', '.join(users)}."
    # frozen and omit_defaults are inherited from WireModel at run time, but mypy's dataclass
    # model wants frozen restated, and msgspec does not inherit kw_only: say all three.
    bases = "WireModel, frozen=True, kw_only=True, omit_defaults=True"
    lines = [f"class {struct.name}({bases}):"]
    if len(lines[0]) > LINE_LIMIT:
        lines = [f"class {struct.name}(", f"    {bases}", "):"]
    wrapped = textwrap.wrap(doc, LINE_LIMIT - 10)
    if len(doc) + 10 <= LINE_LIMIT:
        lines.append(f'    """{doc}"""')
    else:
        lines += [f'    """{wrapped[0]}', *(f"    {w}" for w in wrapped[1:]), '    """']
    if struct.fields:
        lines.append("")
    for spec in struct.fields:
        lines += render_field(spec)
    times = [f.py_name for f in struct.fields if f.annotation == "datetime"]
    if times:
        names = ", ".join(f'"{t}"' for t in times)
        lines += ["", "    def __post_init__(self) -> None:", f"        as_utc(self, {names})"]
    return lines


def render_field(spec: FieldSpec) -> list[str]:
    annotation = spec.annotation if spec.required else f"{spec.annotation} | None"
    args = [] if spec.required else ["default=None"]
    if spec.py_name != spec.wire_name:
        args.append(f'name="{spec.wire_name}"')
        value = f" = msgspec.field({', '.join(args)})"
    else:
        value = "" if spec.required else " = None"
    line = f"    {spec.py_name}: {annotation}{value}"
    if len(line) <= LINE_LIMIT or not value.startswith(" = msgspec"):
        return [line]
    head = f"    {spec.py_name}: {annotation} = msgspec.field("
    return [head, f"        {', '.join(args)}", "    )"]


def shape(schema: dict[str, Any], ctx: Context) -> Any:
    """What a model of `schema` depends on: fields, required-ness, types, named references.

    Documentation, length limits and enum values are left out, so that types differing only
    in those are emitted once.
    """
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return {"$ref": name, "shape": shape(ctx.definitions[name], ctx)}
    if "enum" in schema:
        return "enum"
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        fields = {name: shape(sub, ctx) for name, sub in properties.items()}
        return {"fields": fields, "required": sorted(schema.get("required", []))}
    if kind == "array":
        return ["array", shape(schema["items"], ctx)]
    return [kind, schema.get("format") == "date-time"]


def py_name(wire: str) -> str:
    """connectorId -> connector_id, responderURL -> responder_url."""
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", wire)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name).lower()
    if name in RESERVED:
        raise ValueError(f"field {wire!r} would shadow {name!r} in annotations")
    return f"{name}_" if keyword.iskeyword(name) else name


def upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


def strip_message(name: str) -> str:
    """BootNotificationResponse -> BootNotification, for shorter enum names."""
    for suffix in ("Request", "Response"):
        if name.endswith(suffix) and name != suffix:
            return name.removesuffix(suffix)
    return name


def version_label(version: OcppVersion) -> str:
    return version.value.removeprefix("ocpp")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", choices=sorted(VERSIONS), default="1.6")
    version = VERSIONS[parser.parse_args().version]
    builder = ModelBuilder(version)
    for action in sorted(action_names(version)):
        builder.add_action(action)
    target = PACKAGE_DIR / SUBPACKAGES[version]
    target.mkdir(exist_ok=True)
    init = target / "__init__.py"
    label = version_label(version)
    init.write_text(f'"""OCPP {label} wire models, generated: see `messages.py`."""\n')
    (target / "messages.py").write_text(builder.render())
    print(f"wrote {target / 'messages.py'}: {len(builder.structs)} structs")


if __name__ == "__main__":
    main()
