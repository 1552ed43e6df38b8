"""The code lists of the charging point record (reference 01): one fixed numbering each.

Reference clients store these integer ids, so an id never changes meaning: new values are
appended with the next id, none is renumbered or reused. Each entry is (id, code, name):
``Kod`` is our UPPER_SNAKE value (the native API's enum value where there is one),
``Nazev`` a name for people. docs/api.md lists them (a test keeps it in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class CodeList:
    """One code list: the reference's type name and its entries (id, code, name)."""

    name: str
    entries: tuple[tuple[int, str, str], ...]

    def id_of(self, code: str | None) -> int | None:
        """The id of `code` (None for None)."""
        if code is None:
            return None
        return next(number for number, kod, _ in self.entries if kod == code)

    def item(self, code: str | None) -> dict[str, Any] | None:
        """The nested code-list object ``{"Id", "Kod", "Nazev"}`` of `code`, or None."""
        if code is None:
            return None
        number, kod, nazev = next(entry for entry in self.entries if entry[1] == code)
        return {"Id": number, "Kod": kod, "Nazev": nazev}

    def doc_line(self) -> str:
        """How docs/api.md lists it."""
        listed = ", ".join(f"{number} `{kod}`" for number, kod, _ in self.entries)
        return f"- `{self.name}`: {listed}"


PLACEMENT = CodeList(
    "NabijeciBodUmisteni",
    (
        (1, "INDOOR", "Indoor"),
        (2, "OUTDOOR", "Outdoor"),
        (3, "GARAGE", "Garage"),
        (4, "UNDERGROUND_GARAGE", "Underground garage"),
        (5, "PARKING_LOT", "Parking lot"),
        (6, "STREET", "On the street"),
        (7, "DRIVEWAY", "On a driveway"),
        (8, "MOTORWAY", "Along a motorway"),
    ),
)
POWER_CLASS = CodeList(
    "NabijeciBodVykonovyTyp",
    (
        (1, "AC_SLOW", "AC, below 7.4 kW"),
        (2, "AC_MEDIUM", "AC, 7.4 kW to 22 kW"),
        (3, "AC_FAST", "AC, above 22 kW"),
        (4, "DC_SLOW", "DC, below 50 kW"),
        (5, "DC_FAST", "DC, 50 kW to below 150 kW"),
        (6, "DC_ULTRA_FAST", "DC, 150 kW to below 350 kW"),
        (7, "DC_ULTRA_FAST_350", "DC, 350 kW and above"),
    ),
)
CHARGING_MODE = CodeList(
    "NabijeciBodRezimNabijeniTyp",
    (
        (1, "MODE_1", "IEC 61851 mode 1"),
        (2, "MODE_2", "IEC 61851 mode 2"),
        (3, "MODE_3", "IEC 61851 mode 3 (AC)"),
        (4, "MODE_4", "IEC 61851 mode 4 (DC)"),
    ),
)
DYNAMIC_INFO = CodeList(
    "NabijeciBodDynamickeInformaceDostupnost",
    (
        (1, "TRUE", "Live status available"),
        (2, "FALSE", "No live status"),
        (3, "AUTO", "Live status when the station sends it"),
    ),
)
POWER_TYPE = CodeList(
    "NabijeciBodNabijeniTyp",
    (
        (1, "AC_1_PHASE", "AC, single phase"),
        (2, "AC_3_PHASE", "AC, three phases"),
        (3, "DC", "DC"),
    ),
)
CONNECTION_TYPE = CodeList(
    "NabijeciBodKonektorTyp",
    (
        (1, "CHADEMO", "CHAdeMO"),
        (2, "IEC_62196_T1", "Type 1 (SAE J1772)"),
        (3, "IEC_62196_T1_COMBO", "CCS1 (Combo 1)"),
        (4, "IEC_62196_T2", "Type 2 (Mennekes)"),
        (5, "IEC_62196_T2_COMBO", "CCS2 (Combo 2)"),
        (6, "TESLA_R", "Tesla Roadster"),
        (7, "TESLA_S", "Tesla Model S/X"),
        (8, "SAE_J3400", "NACS (SAE J3400)"),
    ),
)
STATUS = CodeList(
    "NabijeciBodStav",
    (
        (1, "AVAILABLE", "Available"),
        (2, "PREPARING", "Preparing"),
        (3, "CHARGING", "Charging"),
        (4, "SUSPENDED_EVSE", "Suspended by the EVSE"),
        (5, "SUSPENDED_EV", "Suspended by the vehicle"),
        (6, "FINISHING", "Finishing"),
        (7, "OCCUPIED", "Occupied"),
        (8, "RESERVED", "Reserved"),
        (9, "UNAVAILABLE", "Unavailable"),
        (10, "FAULTED", "Faulted"),
    ),
)
HUBJECT_STATUS = CodeList(
    "NabijeciBodStavVHubjectu",
    (
        (1, "AVAILABLE", "Available"),
        (2, "RESERVED", "Reserved"),
        (3, "OCCUPIED", "Occupied"),
        (4, "OUT_OF_SERVICE", "Out of service"),
        (5, "EVSE_NOT_FOUND", "EVSE not found"),
        (6, "UNKNOWN", "Unknown"),
    ),
)
OPERATOR_STATUS = CodeList(
    "NabijeciBodStavUzivatelsky",
    (
        (1, "PLANNED", "Planned"),
        (2, "IN_OPERATION", "In operation"),
        (3, "MAINTENANCE", "Under maintenance"),
        (4, "OUT_OF_ORDER", "Out of order"),
        (5, "DECOMMISSIONED", "Decommissioned"),
    ),
)
CALIBRATION_LAW = CodeList(
    "NabijeciBodDostupnostDatDleKalibracnihoZakona",
    (
        (1, "NOT_COMPLIANT", "No calibrated meter for billing"),
        (2, "METER_DISPLAY", "Calibrated meter, readable on the station"),
        (3, "SIGNED_METER_VALUES", "Signed meter values (transparency software)"),
    ),
)
AUTH_MODE = CodeList(
    "NabijeciBodRezimOverovaniTyp",
    (
        (1, "RFID", "RFID card"),
        (2, "REMOTE_START", "Remote start (app, API)"),
        (3, "PLUG_AND_CHARGE", "Plug & Charge (ISO 15118)"),
        (4, "AUTOCHARGE", "Autocharge (vehicle MAC address)"),
        (5, "KEY_CODE", "Key code"),
        (6, "LOCAL", "Local (e.g. key switch)"),
        (7, "NO_AUTHORIZATION", "No authorisation (free)"),
    ),
)
PAYMENT_OPTION = CodeList(
    "NabijeciBodMoznostPlatbyTyp",
    (
        (1, "DIRECT_PAYMENT", "Direct (ad hoc) payment"),
        (2, "PAYMENT_TERMINAL", "Payment terminal"),
    ),
)

CODE_LISTS = (
    PLACEMENT,
    POWER_CLASS,
    CHARGING_MODE,
    DYNAMIC_INFO,
    POWER_TYPE,
    CONNECTION_TYPE,
    STATUS,
    HUBJECT_STATUS,
    OPERATOR_STATUS,
    CALIBRATION_LAW,
    AUTH_MODE,
    PAYMENT_OPTION,
)
"""Every code list, in the order docs/api.md lists them."""
