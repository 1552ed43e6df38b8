"""The pure rules of charging points: EvseId syntax, ratings and power classes, network
settings, and how an operator's change applies (optimistic locking, hardware, limits)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from voltgate.domain.authorization import IdToken, TokenType
from voltgate.domain.charging_points import (
    EDITABLE,
    AuthMode,
    ConnectorSpec,
    EvseChange,
    apply_change,
    auth_mode,
    checked_emi3_id,
)
from voltgate.domain.equipment import (
    ChargingMode,
    ConnectorEquipment,
    PowerClass,
    PowerType,
    Ratings,
    available_ratings,
    charging_mode,
    nominal_ratings,
    power_class,
)
from voltgate.domain.errors import InvalidValue, StaleVersion
from voltgate.domain.network import NetworkSettings, checked, prefix_of_netmask
from voltgate.domain.stations import Connector, Evse
from voltgate.domain.transactions import Transaction

NOW = datetime(2026, 12, 1, tzinfo=UTC)
T2 = ConnectorEquipment(max_amperage=32, max_voltage=400, max_power_watts=22_000)


@pytest.mark.parametrize("value", ["CZ*ABC*E12345*1", "cz*abc*e1", "DEABCE1234", "FR*A1B*EXYZ*9*2"])
def test_evse_ids_of_the_iso_15118_form_are_accepted_in_upper_case(value: str) -> None:
    """Country, operator id, E and outlet id, with or without * separators."""
    assert checked_emi3_id(value) == value.upper()


@pytest.mark.parametrize(
    "value", ["", "CZ*AB*E1", "C1*ABC*E1", "CZ*ABC*X1", "CZ*ABC*E", "CZ*ABC*E*1", "CZ-ABC-E1",
              "CZ*ABC*E" + "1" * 30]
)  # fmt: skip
def test_malformed_evse_ids_are_refused_naming_the_field(value: str) -> None:
    """Anything else is InvalidValue on emi3_id."""
    with pytest.raises(InvalidValue) as refused:
        checked_emi3_id(value)
    assert refused.value.field == "emi3_id"


def test_nominal_is_the_highest_connector_maximum_and_available_the_limit() -> None:
    """Each rating on its own; a limit replaces only its own value."""
    small = ConnectorEquipment(max_amperage=16, max_voltage=230, max_power_watts=None)
    nominal = nominal_ratings([T2, small])
    assert nominal == Ratings(400, 32, 22_000)
    assert nominal_ratings([]) == Ratings()
    assert available_ratings(nominal, Ratings(power_w=11_000)) == Ratings(400, 32, 11_000)


@pytest.mark.parametrize(
    ("power_type", "watts", "expected"),
    [
        (PowerType.AC_1_PHASE, 3_700, PowerClass.AC_SLOW),
        (PowerType.AC_1_PHASE, 7_400, PowerClass.AC_MEDIUM),
        (PowerType.AC_3_PHASE, 22_000, PowerClass.AC_MEDIUM),
        (PowerType.AC_3_PHASE, 43_000, PowerClass.AC_FAST),
        (PowerType.DC, 49_999, PowerClass.DC_SLOW),
        (PowerType.DC, 50_000, PowerClass.DC_FAST),
        (PowerType.DC, 150_000, PowerClass.DC_ULTRA_FAST),
        (PowerType.DC, 350_000, PowerClass.DC_ULTRA_FAST_350),
        (None, 22_000, None),
        (PowerType.DC, None, None),
    ],
)
def test_power_classes_follow_the_afir_bounds(
    power_type: PowerType | None, watts: float | None, expected: PowerClass | None
) -> None:
    """AC: < 7.4 kW slow, <= 22 kW medium, above fast; DC: 50, 150, 350 kW bounds."""
    assert power_class(power_type, watts) is expected


def test_charging_mode_is_3_for_ac_and_4_for_dc() -> None:
    """IEC 61851 mode of a managed EVSE."""
    assert charging_mode(PowerType.AC_1_PHASE) is ChargingMode.MODE_3
    assert charging_mode(PowerType.DC) is ChargingMode.MODE_4
    assert charging_mode(None) is None


def test_network_settings_are_canonical_and_consistent() -> None:
    """Addresses in canonical form, the family flag set by the address, netmask derived."""
    valid = checked(
        NetworkSettings(
            static_ip=True,
            ip_address="2001:DB8:0::5",
            prefix_length=64,
            gateway="2001:db8::1",
            dns_servers=("2001:4860:4860::8888",),
            ntp_server="time.example.org",
        )
    )
    assert (valid.ip_address, valid.ipv6, valid.ipv4, valid.netmask) == (
        "2001:db8::5", True, None, None
    )  # fmt: skip
    v4 = checked(NetworkSettings(ip_address="10.0.0.5", prefix_length=22))
    assert v4.netmask == "255.255.252.0"
    assert prefix_of_netmask("255.255.255.128") == 25


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (NetworkSettings(ip_address="10.0.0.256"), "ip_address"),
        (NetworkSettings(ip_address="10.0.0.5", ipv4=False), "ipv4"),
        (NetworkSettings(static_ip=True, ip_address="10.0.0.5"), "ip_address"),
        (NetworkSettings(prefix_length=24), "prefix_length"),
        (NetworkSettings(ip_address="10.0.0.5", prefix_length=33), "prefix_length"),
        (NetworkSettings(ip_address="10.0.0.5", prefix_length=24, gateway="10.0.1.1"), "gateway"),
        (NetworkSettings(ip_address="10.0.0.5", gateway="2001:db8::1"), "gateway"),
        (NetworkSettings(gateway="10.0.0.1", ipv4=False), "gateway"),
        (NetworkSettings(dns_servers=("1.1.1.1",) * 5), "dns_servers"),
        (NetworkSettings(dns_servers=("dns.example",)), "dns_servers"),
        (NetworkSettings(ntp_server="-bad-.example"), "ntp_server"),
        (NetworkSettings(ocpp_server_fqdn="csms_example"), "ocpp_server_fqdn"),
        (NetworkSettings(ocpp_server_ip="csms.example"), "ocpp_server_ip"),
    ],
)
def test_network_rules_name_the_field(settings: NetworkSettings, field: str) -> None:
    """Each broken rule is InvalidValue on the field that breaks it."""
    with pytest.raises(InvalidValue) as refused:
        checked(settings)
    assert refused.value.field == field
    with pytest.raises(InvalidValue):
        prefix_of_netmask("255.0.255.0")


def test_a_change_moves_the_version_once_and_only_when_something_changes() -> None:
    """Stale versions are refused; a real change counts; a no-op keeps the version."""
    evse = Evse("CP", 1, version=3)
    with pytest.raises(StaleVersion):
        apply_change(evse, (), EvseChange({"code": "A"}, version=2), NOW)
    changed, _ = apply_change(evse, (), EvseChange({"code": "A"}, version=3), NOW)
    assert (changed.version, changed.code, changed.modified_at) == (4, "A", NOW)
    same, _ = apply_change(changed, (), EvseChange({"code": "A"}), NOW)
    assert same is changed
    with pytest.raises(InvalidValue) as refused:
        apply_change(evse, (), EvseChange({"number": 7}), NOW)
    assert refused.value.field == "number"
    assert "number" not in EDITABLE and "version" not in EDITABLE


def test_hardware_is_replaced_whole_and_limits_stay_within_it() -> None:
    """Listed connectors get equipment (new ones are created), others lose it but keep
    their status; a limit above the nominal rating is refused."""
    evse = Evse("CP", 1)
    reported = Connector("CP", 1, 2, status="Available", max_power_watts=7_000)
    _, connectors = apply_change(
        evse, (reported,), EvseChange({}, connectors=(ConnectorSpec(1, T2),)), NOW
    )
    assert [(c.connector_id, c.max_power_watts, c.status) for c in connectors] == [
        (1, 22_000, None), (2, None, "Available")
    ]  # fmt: skip
    with pytest.raises(InvalidValue) as refused:
        apply_change(evse, connectors, EvseChange({"limit_power_w": 30_000}), NOW)
    assert refused.value.field == "limit_power_w"
    put = EvseChange({"code": "B"}, connectors=(), replace=True)
    cleared, _ = apply_change(Evse("CP", 1, public=True, deleted=True), (), put, NOW)
    assert (cleared.public, cleared.deleted, cleared.code) == (None, False, "B")


def test_auth_mode_of_a_transaction() -> None:
    """A remote start wins; else the token's type; an untyped 1.6 idTag is a card."""
    tx = Transaction(1, "CP", 1, 1, "TAG", NOW, 0)
    assert auth_mode(tx, True, None) is AuthMode.REMOTE_START
    assert auth_mode(tx, False, None) is AuthMode.RFID
    assert auth_mode(tx, False, IdToken("TAG", type=TokenType.EMAID)) is AuthMode.PLUG_AND_CHARGE
    assert auth_mode(tx, False, IdToken("TAG", type=TokenType.CENTRAL)) is AuthMode.REMOTE_START
    assert auth_mode(Transaction(2, "CP", 1, 1, None, None, None), False, None) is None
    assert auth_mode(Transaction(3, "CP", 1, 1, "", NOW, 0), False, None) is (
        AuthMode.NO_AUTHORIZATION
    )
