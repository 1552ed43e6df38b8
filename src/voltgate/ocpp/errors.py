"""OCPP-J RPC errors: one version-neutral kind, spelled per protocol version on the wire.

Error tree::

    OcppError                     travels to the peer as a CALLERROR (kind -> wire code)
      FrameError                  the text is not a usable OCPP-J frame (raised by parse_message)
      PayloadError                the payload breaks the action's JSON schema
      ActionNotImplemented        the action is unknown for this protocol version
      ActionNotSupported          the action is known but this CSMS does not handle it
    LocalProtocolError            we tried to send something the spec forbids (our bug, never sent)

Each fact lives once: the kinds are listed in `ErrorKind`, their spellings per version in
`WIRE_CODES`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any


class OcppVersion(enum.StrEnum):
    """A protocol version, valued by its WebSocket subprotocol name (OCPP-J 1.6 §3.1.2)."""

    V16 = "ocpp1.6"
    V201 = "ocpp2.0.1"


class ErrorKind(enum.Enum):
    """What went wrong, independent of how a protocol version spells it."""

    NOT_IMPLEMENTED = enum.auto()
    NOT_SUPPORTED = enum.auto()
    INTERNAL_ERROR = enum.auto()
    PROTOCOL_ERROR = enum.auto()
    SECURITY_ERROR = enum.auto()
    FORMAT_VIOLATION = enum.auto()
    PROPERTY_CONSTRAINT_VIOLATION = enum.auto()
    OCCURRENCE_CONSTRAINT_VIOLATION = enum.auto()
    TYPE_CONSTRAINT_VIOLATION = enum.auto()
    GENERIC_ERROR = enum.auto()
    RPC_FRAMEWORK_ERROR = enum.auto()
    MESSAGE_TYPE_NOT_SUPPORTED = enum.auto()


_COMMON = {
    ErrorKind.NOT_IMPLEMENTED: "NotImplemented",
    ErrorKind.NOT_SUPPORTED: "NotSupported",
    ErrorKind.INTERNAL_ERROR: "InternalError",
    ErrorKind.PROTOCOL_ERROR: "ProtocolError",
    ErrorKind.SECURITY_ERROR: "SecurityError",
    ErrorKind.PROPERTY_CONSTRAINT_VIOLATION: "PropertyConstraintViolation",
    ErrorKind.TYPE_CONSTRAINT_VIOLATION: "TypeConstraintViolation",
    ErrorKind.GENERIC_ERROR: "GenericError",
}

WIRE_CODES: Mapping[OcppVersion, Mapping[ErrorKind, str]] = {
    OcppVersion.V16: {
        **_COMMON,
        # OCPP-J 1.6 errata §5.1 and §5.2: the misspellings "OccurenceConstraintViolation" and
        # "FormationViolation" are "known issues that will not be fixed": 1.6 keeps them.
        ErrorKind.FORMAT_VIOLATION: "FormationViolation",
        ErrorKind.OCCURRENCE_CONSTRAINT_VIOLATION: "OccurenceConstraintViolation",
        # 1.6 has no RpcFrameworkError: an unreadable frame "is syntactically incorrect or not
        # conform the PDU structure", which is FormationViolation (OCPP-J 1.6 §4.2.3).
        ErrorKind.RPC_FRAMEWORK_ERROR: "FormationViolation",
        # 1.6 has no MessageTypeNotSupported; §4.1.3 says to ignore the payload, we still
        # answer a readable id with the catch-all so the station is never left waiting.
        ErrorKind.MESSAGE_TYPE_NOT_SUPPORTED: "GenericError",
    },
    OcppVersion.V201: {
        **_COMMON,
        # OCPP 2.0.1 part 4 §4.3 (RPC Framework Error Codes).
        ErrorKind.FORMAT_VIOLATION: "FormatViolation",
        ErrorKind.OCCURRENCE_CONSTRAINT_VIOLATION: "OccurrenceConstraintViolation",
        ErrorKind.RPC_FRAMEWORK_ERROR: "RpcFrameworkError",
        ErrorKind.MESSAGE_TYPE_NOT_SUPPORTED: "MessageTypeNotSupported",
    },
}


def _kinds_by_code(codes: Mapping[ErrorKind, str]) -> dict[str, ErrorKind]:
    """Invert a spelling table. Where 1.6 spells two kinds alike, the first listed (the one
    the 1.6 table itself defines) wins: "GenericError" reads back as GENERIC_ERROR."""
    kinds: dict[str, ErrorKind] = {}
    for kind, code in codes.items():
        kinds.setdefault(code, kind)
    return kinds


_KIND_BY_CODE: Mapping[OcppVersion, Mapping[str, ErrorKind]] = {
    version: _kinds_by_code(codes) for version, codes in WIRE_CODES.items()
}


def wire_code(kind: ErrorKind, version: OcppVersion) -> str:
    """The errorCode string a CALLERROR of `kind` carries in `version`."""
    return WIRE_CODES[version][kind]


def kind_of(code: str, version: OcppVersion) -> ErrorKind | None:
    """The kind a received errorCode stands for, or None for a code the version does not define."""
    return _KIND_BY_CODE[version].get(code)


class OcppError(Exception):
    """An error that travels to the peer as a CALLERROR of `kind`."""

    kind: ErrorKind = ErrorKind.GENERIC_ERROR

    def __init__(
        self,
        description: str = "",
        *,
        kind: ErrorKind | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        if kind is not None:
            self.kind = kind
        super().__init__(description or self.kind.name)
        self.description = description
        self.details = dict(details or {})


class FrameError(OcppError):
    """The text is not a usable OCPP-J frame.

    `unique_id` is the message id if it could be read, else "-1" (OCPP 2.0.1 part 4 §4.2.3:
    "When also the MessageId cannot be read, the CALLERROR SHALL contain "-1"").
    `answer` is False when the frame must be dropped instead of answered (a reply frame
    that is itself broken: answering a CALLRESULT would start an error ping-pong).
    """

    def __init__(
        self,
        description: str,
        *,
        kind: ErrorKind,
        unique_id: str = "-1",
        answer: bool = True,
    ) -> None:
        super().__init__(description, kind=kind)
        self.unique_id = unique_id
        self.answer = answer


class PayloadError(OcppError):
    """A payload does not satisfy its action's official JSON schema.

    `field` is the path of the offending field (e.g. `meterValue[0].sampledValue[1].value`),
    or "" when the payload as a whole is at fault.
    """

    kind = ErrorKind.FORMAT_VIOLATION

    def __init__(
        self,
        description: str = "",
        *,
        kind: ErrorKind | None = None,
        field: str = "",
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(description, kind=kind, details=details)
        self.field = field


class ActionNotImplemented(OcppError):
    """The action name is not defined by the connection's protocol version."""

    kind = ErrorKind.NOT_IMPLEMENTED


class ActionNotSupported(OcppError):
    """The action is defined by the protocol version but this CSMS does not handle it."""

    kind = ErrorKind.NOT_SUPPORTED


class LocalProtocolError(Exception):
    """We tried to send something the spec forbids. A bug on our side; never sent on the wire."""
