"""Security commands to stations as each OCPP version spells them (`ports.SecurityCommands`).

Built from the generated wire models, so a payload that breaks its schema fails here (and the
session validates it again before sending); answers are read back into yes/no.

* Password (A01): 2.0.1 SetVariables SecurityCtrlr.BasicAuthPassword (A01.FR.02); 1.6
  ChangeConfiguration AuthorizationKey (Security Whitepaper A01.FR.02). Only "Accepted"
  counts (A01.FR.03); RebootRequired and everything else keep the old password (A01.FR.04).
* Certificate (A02/A03): CertificateSigned with the PEM chain; 2.0.1 names its type
  ChargingStationCertificate (A02.FR.14 / A03.FR.14 recommend echoing the requested type).
"""

from __future__ import annotations

from typing import Any, TypeVar

from voltgate.domain.ports import Command
from voltgate.domain.security import PasswordKind
from voltgate.ocpp import wire
from voltgate.ocpp.errors import OcppVersion, PayloadError
from voltgate.ocpp.v16 import messages as m16
from voltgate.ocpp.v201 import messages as m201

SECURITY_COMPONENT = "SecurityCtrlr"
PASSWORD_VARIABLE = "BasicAuthPassword"
AUTHORIZATION_KEY = "AuthorizationKey"

M = TypeVar("M", bound=wire.WireModel)


class V16SecurityCommands:
    """OCPP 1.6 with the Security Whitepaper (edition 3)."""

    @property
    def password_kind(self) -> PasswordKind:
        return PasswordKind.HEX_KEY

    def set_password(self, password: str) -> Command:
        request = m16.ChangeConfigurationRequest(key=AUTHORIZATION_KEY, value=password)
        return "ChangeConfiguration", wire.encode(request)

    def password_accepted(self, answer: dict[str, Any]) -> bool:
        response = _decode(m16.ChangeConfigurationResponse, answer)
        return response is not None and response.status == "Accepted"

    def certificate_signed(self, certificate_pem: str) -> Command:
        request = m16.CertificateSignedRequest(certificate_chain=certificate_pem)
        return "CertificateSigned", wire.encode(request)

    def certificate_accepted(self, answer: dict[str, Any]) -> bool:
        response = _decode(m16.CertificateSignedResponse, answer)
        return response is not None and response.status == "Accepted"


class V201SecurityCommands:
    """OCPP 2.0.1."""

    @property
    def password_kind(self) -> PasswordKind:
        return PasswordKind.PASSWORD_STRING

    def set_password(self, password: str) -> Command:
        request = m201.SetVariablesRequest(
            set_variable_data=[
                m201.SetVariableData(
                    attribute_value=password,
                    component=m201.Component(name=SECURITY_COMPONENT),
                    variable=m201.Variable(name=PASSWORD_VARIABLE),
                )
            ]
        )
        return "SetVariables", wire.encode(request)

    def password_accepted(self, answer: dict[str, Any]) -> bool:
        response = _decode(m201.SetVariablesResponse, answer)
        if response is None:
            return False
        return any(
            result.component.name == SECURITY_COMPONENT
            and result.variable.name == PASSWORD_VARIABLE
            and result.attribute_type in (None, "Actual")
            and result.attribute_status == "Accepted"
            for result in response.set_variable_result
        )

    def certificate_signed(self, certificate_pem: str) -> Command:
        request = m201.CertificateSignedRequest(
            certificate_chain=certificate_pem, certificate_type="ChargingStationCertificate"
        )
        return "CertificateSigned", wire.encode(request)

    def certificate_accepted(self, answer: dict[str, Any]) -> bool:
        response = _decode(m201.CertificateSignedResponse, answer)
        return response is not None and response.status == "Accepted"


def security_commands() -> dict[str, V16SecurityCommands | V201SecurityCommands]:
    """The commands of every version we speak, by subprotocol name (as stored on stations)."""
    return {
        str(OcppVersion.V16): V16SecurityCommands(),
        str(OcppVersion.V201): V201SecurityCommands(),
    }


def _decode(model: type[M], answer: dict[str, Any]) -> M | None:
    try:
        return wire.decode(model, answer)
    except PayloadError:
        return None
