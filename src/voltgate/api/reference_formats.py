"""The wire formats of the reference endpoints (`reference/`), shared by them: JSON or
.NET DataContract XML, chosen by media type, and how values are written in each.

The platforms those clients know serialise with Json.NET and the DataContractSerializer:
dates in ISO 8601, booleans ``true``/``false``, nulls as JSON ``null`` or XML
``i:nil="true"``, each object's members in alphabetical (ordinal) order in XML, and
collections as a wrapper element holding one element per item, named by the item's type.

A value tree here is made of dicts (objects), `Collection`s, and plain values (None,
bool, int, float, str, datetime). It is a tree by construction (a builder makes new dicts
and never links back to a parent), so no serialiser can loop on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_TYPES = ("application/xml", "text/xml")
JSON_TYPES = ("application/json", "text/json")
MAX_BODY = 16 * 1024
"""The largest request body a reference endpoint reads (their bodies are a few fields)."""


@dataclass(frozen=True, slots=True)
class Collection:
    """A list whose items are objects of one named type (the XML item element name)."""

    item_type: str
    items: list[dict[str, Any]] = field(default_factory=list)


def media_of(header: str | None, default: str | None = None) -> str | None:
    """The first media type of a Content-Type or Accept header, without parameters."""
    if not header:
        return default
    first = header.split(",")[0].split(";")[0].strip().lower()
    return default if first in ("", "*/*") else first


def iso(value: datetime) -> str:
    """A timestamp as Json.NET writes a UTC DateTime: ISO 8601, fraction only if any, Z."""
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def _plain(value: Any) -> Any:
    if isinstance(value, Collection):
        return [_plain(item) for item in value.items]
    if isinstance(value, dict):
        return {name: _plain(member) for name, member in value.items()}
    if isinstance(value, datetime):
        return iso(value)
    return value


def to_json(tree: dict[str, Any]) -> bytes:
    """The tree as JSON, members in the order given."""
    return json.dumps(_plain(tree), ensure_ascii=False, allow_nan=False).encode()


def to_xml(root: str, namespace: str, tree: dict[str, Any]) -> bytes:
    """The tree as DataContract XML under element `root` in `namespace`."""
    element = Element(root, {"xmlns:i": XSI, "xmlns": namespace})
    _members(element, tree)
    return bytes(tostring(element, encoding="utf-8"))


def _members(parent: Element, tree: dict[str, Any]) -> None:
    for name in sorted(tree):
        _write(SubElement(parent, name), tree[name])


def _write(element: Element, value: Any) -> None:
    if value is None:
        element.set("i:nil", "true")
    elif isinstance(value, Collection):
        for item in value.items:
            _members(SubElement(element, value.item_type), item)
    elif isinstance(value, dict):
        _members(element, value)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, datetime):
        element.text = iso(value)
    elif isinstance(value, float):
        # xs:decimal as .NET writes it: 22, 7.4, 0.0000001 (never an exponent)
        element.text = format(Decimal(repr(value)).normalize(), "f")
    else:
        element.text = str(value)
