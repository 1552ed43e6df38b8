"""Variable monitors of a simulated 2.0.1 station (N02-N06): set, cleared and reported.

A monitor watches one variable of the device model: above or below a threshold, by a delta,
or periodically. The rules the station applies:

* SetVariableMonitoring answers each item (N04.FR.01/02): UnknownComponent / UnknownVariable
  (N04.FR.03/04); UnsupportedMonitorType for a threshold on a variable that is not a number
  (N04.FR.05); Rejected for a threshold outside the variable's range (N04.FR.06), a negative
  delta (N04.FR.14), an id no monitor has (N04.FR.13) or has on another variable (N04.FR.16);
  Duplicate for the same type and severity on that variable under another id (N04.FR.10);
  otherwise Accepted with the id, new (N04.FR.11) or replaced (N04.FR.12).
* ClearVariableMonitoring: Accepted or NotFound per id (N06.FR.01/02/05).
* SetMonitoringBase: the simulator has no preconfigured or hard-wired monitors, so
  FactoryDefault and HardWiredOnly clear every custom one (N03.FR.04/05), All keeps them
  (N03.FR.03).
* GetMonitoringReport reports the monitors matching the criteria and component/variables
  (N02.FR.05/06/08/11-14), EmptyResultSet when none do (N02.FR.10).

No I/O here; the responders send the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voltgate.ocpp.v201 import messages as m
from voltgate.simulator.v201.device_model import (
    DeviceModel,
    VariableKey,
    names_variable,
    wire_component,
)

THRESHOLDS = ("UpperThreshold", "LowerThreshold")
# N02.FR.12-14: which monitor types each criterion reports.
CRITERIA: dict[str, tuple[str, ...]] = {
    "ThresholdMonitoring": THRESHOLDS,
    "DeltaMonitoring": ("Delta",),
    "PeriodicMonitoring": ("Periodic", "PeriodicClockAligned"),
}


@dataclass(frozen=True, slots=True)
class Monitor:
    """One custom monitor on a variable."""

    id: int
    key: VariableKey
    type: m.MonitorEnum
    value: float
    severity: int
    transaction: bool = False

    def wire(self) -> m.VariableMonitoring:
        """VariableMonitoringType, as a monitoring report gives it."""
        return m.VariableMonitoring(
            id=self.id,
            transaction=self.transaction,
            value=self.value,
            type=self.type,
            severity=self.severity,
        )


class Monitors:
    """The station's custom monitors by id, and its monitoring level (N05)."""

    def __init__(self) -> None:
        self._by_id: dict[int, Monitor] = {}
        self._next_id = 1
        self.level = 9  # N05: report events of every severity until the CSMS says otherwise

    def set(self, model: DeviceModel, data: m.SetMonitoringData) -> tuple[str, int | None]:
        """Set one monitor (see the module docstring); the status and the monitor's id."""
        found = model.find(data.component, data.variable)
        if isinstance(found, str):
            return found, None
        key, setting = found
        numeric = setting.data_type in ("integer", "decimal")
        if data.type in THRESHOLDS and not numeric:
            return "UnsupportedMonitorType", None
        low, high = setting.min_limit, setting.max_limit
        out_of_range = (low is not None and data.value < low) or (
            high is not None and data.value > high
        )
        if data.type in THRESHOLDS and out_of_range:
            return "Rejected", None
        if data.type == "Delta" and data.value < 0:
            return "Rejected", None
        if data.id is not None:
            existing = self._by_id.get(data.id)
            if existing is None or existing.key != key:
                return "Rejected", None
        for other in self._by_id.values():
            same = (other.key, other.type, other.severity) == (key, data.type, data.severity)
            if same and other.id != data.id:
                return "Duplicate", None
        monitor_id = data.id if data.id is not None else self._new_id()
        self._by_id[monitor_id] = Monitor(
            monitor_id, key, data.type, data.value, data.severity, bool(data.transaction)
        )
        return "Accepted", monitor_id

    def clear(self, monitor_id: int) -> str:
        """Clear one monitor: Accepted or NotFound."""
        return "Accepted" if self._by_id.pop(monitor_id, None) is not None else "NotFound"

    def set_base(self, base: str) -> None:
        """SetMonitoringBase: every base but All drops the custom monitors."""
        if base != "All":
            self._by_id.clear()

    def report(
        self, criteria: Sequence[str], wanted: Sequence[m.ComponentVariable]
    ) -> list[m.MonitoringData]:
        """The monitors a GetMonitoringReport asks for, grouped by variable."""
        types = {t for criterion in criteria for t in CRITERIA[criterion]}
        grouped: dict[VariableKey, list[Monitor]] = {}
        for monitor in sorted(self._by_id.values(), key=lambda mon: mon.id):
            if types and monitor.type not in types:
                continue
            if wanted and not any(names_variable(monitor.key, cv) for cv in wanted):
                continue
            grouped.setdefault(monitor.key, []).append(monitor)
        return [
            m.MonitoringData(
                component=wire_component(key),
                variable=m.Variable(name=key.variable, instance=key.variable_instance),
                variable_monitoring=[monitor.wire() for monitor in monitors],
            )
            for key, monitors in grouped.items()
        ]

    def _new_id(self) -> int:
        while self._next_id in self._by_id:
            self._next_id += 1
        return self._next_id
