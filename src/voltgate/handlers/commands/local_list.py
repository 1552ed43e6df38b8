"""The local authorization list in both versions: 1.6 SendLocalList / GetLocalListVersion
(§5.15, §5.10) and 2.0.1 D01 / D02. Each entry's status, expiry and group are spelled as
Authorize answers them (`handlers.v16.id_tag_info`, `handlers.v201.base.id_token_info`), so
a station decides offline as Voltgate would online."""

from __future__ import annotations

from voltgate.domain import commands as c
from voltgate.handlers import v16
from voltgate.handlers.commands.common import Builder, Payload, id_token
from voltgate.handlers.v201.base import id_token_info
from voltgate.ocpp import wire

UPDATE = {c.UpdateType.FULL: "Full", c.UpdateType.DIFFERENTIAL: "Differential"}


def send_16(command: c.SendLocalList, context: c.BuildContext) -> tuple[str, Payload]:
    """§5.15: an entry without idTagInfo is removed by a differential update."""
    entries = []
    for entry in context.local_list:
        item: Payload = {"idTag": entry.id_tag}
        if entry.decision is not None:
            item["idTagInfo"] = wire.encode(v16.id_tag_info(entry.decision))
        entries.append(item)
    payload: Payload = {"listVersion": command.version, "updateType": UPDATE[command.update]}
    if entries:
        payload["localAuthorizationList"] = entries
    return "SendLocalList", payload


def send_201(command: c.SendLocalList, context: c.BuildContext) -> tuple[str, Payload]:
    """D01: no list with Full empties the station's (D01.FR.04); an entry without
    idTokenInfo is removed by a differential update (D01.FR.17)."""
    entries = []
    for entry in context.local_list:
        token_type = None if entry.type is None else entry.type.value
        item: Payload = {"idToken": id_token(entry.id_tag, token_type)}
        if entry.decision is not None:
            item["idTokenInfo"] = wire.encode(id_token_info(entry.decision))
        entries.append(item)
    payload: Payload = {"versionNumber": command.version, "updateType": UPDATE[command.update]}
    if entries:  # minItems 1
        payload["localAuthorizationList"] = entries
    return "SendLocalList", payload


def version(command: c.GetLocalListVersion, context: c.BuildContext) -> tuple[str, Payload]:
    """1.6 §5.10, 2.0.1 D02: the version is in the response."""
    return "GetLocalListVersion", {}


V16: dict[type, Builder] = {c.SendLocalList: send_16, c.GetLocalListVersion: version}
V201: dict[type, Builder] = {c.SendLocalList: send_201, c.GetLocalListVersion: version}
