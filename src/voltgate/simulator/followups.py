"""What a station does after answering a CSMS command, as data.

A responder (one table per OCPP version) decides on the station's state and returns an
`Answer`: the CALLRESULT payload plus the follow-up work the station does *after* the answer
went out (OCPP 1.6 §5.11, 2.0.1 F06.FR.04: a station confirms first, then acts). Follow-ups
are data, so the responders do no I/O and the station runs them in a task it owns: the
generic ones itself (`ToConnector`, `Reboot`, a triggered BootNotification or Heartbeat), the
version-specific ones through its dialect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voltgate.simulator.state import StartCharging, StationState, StopCharging

Payload = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ToConnector:
    """Hand a start or stop command to a connector's transaction loop."""

    connector_id: int
    command: StartCharging | StopCharging


@dataclass(frozen=True, slots=True)
class Trigger:
    """Send the message the CSMS asked for with TriggerMessage (1.6 §5.17, 2.0.1 F06).

    `connector_id` is the 1.6 connectorId or the 2.0.1 evse id; None means all of them.
    """

    message: str
    connector_id: int | None = None


@dataclass(frozen=True, slots=True)
class SendStatus:
    """Report a connector's (new) status; 0 is the station as a whole (1.6 only)."""

    connector_id: int


@dataclass(frozen=True, slots=True)
class Reboot:
    """Stop running transactions with `reason` (and 2.0.1 `trigger`), close the socket and
    boot again (1.6 §5.14, 2.0.1 B11/B12).

    With `on_idle` (2.0.1 Reset OnIdle), running transactions are left to end by themselves
    first and no new one starts meanwhile (B12.FR.01, B12.FR.03).
    """

    reason: str
    trigger: str | None = None
    on_idle: bool = False

    @property
    def stop(self) -> StopCharging:
        """The stop command for the transactions still running."""
        return StopCharging(self.reason, self.trigger)


@dataclass(frozen=True, slots=True)
class SendReport:
    """Send the device model report asked for with GetBaseReport (2.0.1 B07.FR.03)."""

    request_id: int
    report_base: str


@dataclass(frozen=True, slots=True)
class SecurityEvent:
    """Tell the CSMS about a security event (2.0.1 SecurityEventNotification, A04)."""

    type: str
    tech_info: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One CALL of a `Notify`, sent `after_s` seconds after the answer went out."""

    action: str
    payload: Payload
    after_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Notify:
    """Send `steps` in order, each at its time, while the station goes on with other work.

    What a real station reports over time after it accepted a command: a firmware update's
    progress (1.6 §5.19, 2.0.1 L01.FR.01), a log upload (N01.FR.08/09), the reports of
    GetChargingProfiles, GetMonitoringReport, GetDisplayMessages or CustomerInformation.
    A new `Notify` with the same `key` replaces the one still running (an update accepted
    while another runs cancels it, L01.FR.24, N01.FR.12); `key` None never replaces.
    """

    steps: tuple[Step, ...]
    key: str | None = None


Followup = ToConnector | Trigger | SendStatus | Reboot | SendReport | SecurityEvent | Notify


@dataclass(frozen=True, slots=True)
class Answer:
    """The CALLRESULT payload and what to do once it has been sent."""

    payload: Payload
    then: list[Followup] = field(default_factory=list)


def status_changes(state: StationState) -> list[Followup]:
    """StatusNotifications of the idle connectors that turned Reserved or Available again
    after reservations changed (1.6 §5.13, 2.0.1 H01.FR.20/23)."""
    return [SendStatus(connector_id) for connector_id in state.refresh_reserved()]
