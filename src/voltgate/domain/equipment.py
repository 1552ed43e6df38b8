"""The hardware of an EVSE: its power type, its connectors' kind and ratings, and what follows
from them (nominal ratings, power class, IEC 61851 charging mode).

The vocabulary is the station model catalog's (reference/04-charging-station-models.txt:
``powerType``, ``connectionType``, ``format``, ``maxAmperage``, ``maxVoltage``,
``maxPowerWatts``), so a station model can describe an EVSE with exactly these values.

Each fact lives in one place: a connector's maxima are stored on the connector; the EVSE's
nominal (rated) output is *derived* from its connectors (one vehicle charges at a time per
EVSE, so the EVSE is rated for the most any of its connectors delivers); the operator's
limit of what the site allows now is stored on the EVSE, and "available" output is that
limit, or the nominal value where no limit is set.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class PowerType(enum.StrEnum):
    """What an EVSE delivers (reference 04 ``powerType``)."""

    AC_1_PHASE = "AC_1_PHASE"
    AC_3_PHASE = "AC_3_PHASE"
    DC = "DC"

    @property
    def is_dc(self) -> bool:
        """True for direct current."""
        return self is PowerType.DC


class ConnectionType(enum.StrEnum):
    """The plug or socket standard of a connector (reference 04 ``connectionType``)."""

    CHADEMO = "CHADEMO"
    IEC_62196_T1 = "IEC_62196_T1"
    IEC_62196_T1_COMBO = "IEC_62196_T1_COMBO"
    IEC_62196_T2 = "IEC_62196_T2"
    IEC_62196_T2_COMBO = "IEC_62196_T2_COMBO"
    TESLA_R = "TESLA_R"
    TESLA_S = "TESLA_S"
    SAE_J3400 = "SAE_J3400"


class ConnectorFormat(enum.StrEnum):
    """Whether the connector is a fixed cable or a socket for the driver's cable."""

    CABLE = "CABLE"
    SOCKET = "SOCKET"


class ChargingMode(enum.StrEnum):
    """IEC 61851-1 charging modes. Modes 1 and 2 are household sockets and in-cable boxes;
    a station a CSMS manages charges in mode 3 (AC, control pilot) or mode 4 (DC)."""

    MODE_1 = "MODE_1"
    MODE_2 = "MODE_2"
    MODE_3 = "MODE_3"
    MODE_4 = "MODE_4"


class PowerClass(enum.StrEnum):
    """The classes of recharging points of the EU regulation on alternative fuels
    infrastructure (AFIR, Regulation (EU) 2023/1804, Annex III), by current and power."""

    AC_SLOW = "AC_SLOW"  # AC, P < 7.4 kW
    AC_MEDIUM = "AC_MEDIUM"  # AC, 7.4 kW <= P <= 22 kW
    AC_FAST = "AC_FAST"  # AC, P > 22 kW
    DC_SLOW = "DC_SLOW"  # DC, P < 50 kW
    DC_FAST = "DC_FAST"  # DC, 50 kW <= P < 150 kW
    DC_ULTRA_FAST = "DC_ULTRA_FAST"  # DC, 150 kW <= P < 350 kW
    DC_ULTRA_FAST_350 = "DC_ULTRA_FAST_350"  # DC, P >= 350 kW


@dataclass(frozen=True, slots=True)
class Ratings:
    """Output voltage (V), current (A) and power (W); None where not known."""

    voltage_v: float | None = None
    current_a: float | None = None
    power_w: float | None = None


@dataclass(frozen=True, slots=True)
class ConnectorEquipment:
    """What kind of connector it is and the most it delivers (reference 04's connector)."""

    connection_type: ConnectionType | None = None
    format: ConnectorFormat | None = None
    max_amperage: float | None = None
    max_voltage: float | None = None
    max_power_watts: float | None = None


def nominal_ratings(connectors: Iterable[ConnectorEquipment]) -> Ratings:
    """The EVSE's rated output: the highest of its connectors' maxima, each on its own."""
    listed = list(connectors)

    def most(values: Iterable[float | None]) -> float | None:
        known = [value for value in values if value is not None]
        return max(known) if known else None

    return Ratings(
        voltage_v=most(c.max_voltage for c in listed),
        current_a=most(c.max_amperage for c in listed),
        power_w=most(c.max_power_watts for c in listed),
    )


def available_ratings(nominal: Ratings, limit: Ratings) -> Ratings:
    """What the site allows now: the operator's limit where set, else the nominal value."""
    return Ratings(
        voltage_v=nominal.voltage_v if limit.voltage_v is None else limit.voltage_v,
        current_a=nominal.current_a if limit.current_a is None else limit.current_a,
        power_w=nominal.power_w if limit.power_w is None else limit.power_w,
    )


def limit_problems(nominal: Ratings, limit: Ratings) -> list[tuple[str, str]]:
    """(field, reason) for every limit above the nominal value it limits."""
    problems = []
    for name, unit in (("voltage_v", "V"), ("current_a", "A"), ("power_w", "W")):
        rated, allowed = getattr(nominal, name), getattr(limit, name)
        if rated is not None and allowed is not None and allowed > rated:
            problems.append((name, f"{allowed:g} {unit} is above the nominal {rated:g} {unit}"))
    return problems


def power_class(power_type: PowerType | None, power_w: float | None) -> PowerClass | None:
    """The AFIR class of an output of `power_w` watts (None when either is unknown)."""
    if power_type is None or power_w is None:
        return None
    if power_type.is_dc:
        if power_w < 50_000:
            return PowerClass.DC_SLOW
        if power_w < 150_000:
            return PowerClass.DC_FAST
        return PowerClass.DC_ULTRA_FAST if power_w < 350_000 else PowerClass.DC_ULTRA_FAST_350
    if power_w < 7_400:
        return PowerClass.AC_SLOW
    return PowerClass.AC_MEDIUM if power_w <= 22_000 else PowerClass.AC_FAST


def charging_mode(power_type: PowerType | None) -> ChargingMode | None:
    """IEC 61851-1 mode of a managed EVSE: mode 4 for DC, mode 3 for AC."""
    if power_type is None:
        return None
    return ChargingMode.MODE_4 if power_type.is_dc else ChargingMode.MODE_3
