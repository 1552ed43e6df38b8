"""The pure rules of customer records: which charging points may be devices, and battery
figures that contradict each other."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from voltgate.domain.customers import Device, EvDetails, battery_problem, device_conflict

AT = datetime(2025, 1, 1, tzinfo=UTC)


def device(device_id: int, evse_id: int | None) -> Device:
    return Device(device_id, 1, "CP-1", evse_id, AT)


def test_a_free_station_or_evse_may_be_a_device() -> None:
    """Nothing there yet, or only other EVSEs: no conflict."""
    assert device_conflict([], "CP-1", None, 1) is None
    assert device_conflict([device(1, 1)], "CP-1", 2, 2) is None


def test_the_same_charging_point_is_one_device() -> None:
    """A station or EVSE that is a device already is named with its device id; the
    device itself does not conflict with itself."""
    assert device_conflict([device(1, 2)], "CP-1", 2, 5) == (
        "EVSE 2 of station 'CP-1' is device 1 already"
    )
    assert device_conflict([device(1, None)], "CP-1", None, 5) == (
        "station 'CP-1' is device 1 already"
    )
    assert device_conflict([device(1, 2)], "CP-1", 2, 1) is None


def test_a_whole_station_and_its_evses_exclude_each_other() -> None:
    """A station that is a device as a whole has no EVSE devices, and the other way round."""
    assert device_conflict([device(1, None)], "CP-1", 2, 5) == (
        "station 'CP-1' as a whole is device 1: its EVSEs cannot be devices too"
    )
    assert device_conflict([device(1, 2)], "CP-1", None, 5) == (
        "EVSE 2 of station 'CP-1' is device 1: the station cannot be a device as a whole too"
    )


def test_storage_refusal_without_a_visible_holder_is_still_a_conflict() -> None:
    """When storage refused the insert (own id None), the point is reported taken."""
    assert device_conflict([], "CP-1", 3, None) == "EVSE 3 of station 'CP-1' is a device already"


def test_net_battery_size_cannot_exceed_gross() -> None:
    """A usable capacity above the nominal one is refused, naming the net size."""
    assert battery_problem(
        EvDetails(gross_battery_kwh=Decimal(50), net_battery_kwh=Decimal(60))
    ) == (
        "net_battery_kwh",
        "the net battery size 60 kWh exceeds the gross 50 kWh",
    )
    assert (
        battery_problem(EvDetails(gross_battery_kwh=Decimal(50), net_battery_kwh=Decimal(50)))
        is None
    )
    assert battery_problem(EvDetails(net_battery_kwh=Decimal(60))) is None
