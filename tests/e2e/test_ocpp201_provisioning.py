"""An independent OCPP 2.0.1 client (the `ocpp` package's v201 ChargePoint) boots, beats,
reports status and authorizes tokens; it lands in the same records as a 1.6 station."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ocpp.exceptions import SecurityError
from ocpp.v16 import call as call16
from ocpp.v201 import call

from tests.e2e.conftest import ProvisionStation, charge_point, charge_point_201
from tests.e2e.test_ocpp201_device_model import voltgate as run_voltgate
from voltgate import tools
from voltgate.app import Csms
from voltgate.domain.authorization import TokenStatus, TokenType
from voltgate.domain.stations import Registration

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
STATION = {
    "model": "X2",
    "vendor_name": "ACME",
    "serial_number": "SN-42",
    "firmware_version": "2.0.1-rc1",
    "modem": {"iccid": "8931000000000000001", "imsi": "204040000000001"},
}


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def boot_201(reason: str = "PowerUp") -> call.BootNotification:
    return call.BootNotification(charging_station=STATION, reason=reason)


def token(id_token: str, type: str = "ISO14443") -> dict[str, Any]:
    return {"id_token": id_token, "type": type}


async def test_boot_accepted_stores_what_the_station_reports_B01(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Accepted with the heartbeat interval (B01.FR.04); reason, model, vendor, serial,
    firmware and modem are stored and shown as for a 1.6 station, with protocol ocpp2.0.1."""
    await provision("CS-1")
    async with charge_point_201(csms, "CS-1") as cp:
        boot = await cp.call(boot_201("FirmwareUpdate"))
        assert (boot.status, boot.interval) == ("Accepted", 300)
        assert datetime.fromisoformat(boot.current_time) is not None
    station = await csms.services.stations.get("CS-1")
    assert station is not None
    assert (station.protocol, station.vendor, station.model) == ("ocpp2.0.1", "ACME", "X2")
    assert (station.serial_number, station.firmware_version) == ("SN-42", "2.0.1-rc1")
    assert (station.iccid, station.imsi) == ("8931000000000000001", "204040000000001")
    assert (station.last_boot_reason, station.last_boot_status) == (
        "FirmwareUpdate",
        Registration.ACCEPTED,
    )
    view = await csms.services.stations.get_view("CS-1")
    assert view is not None
    text = tools.view_text(view)
    assert "ocpp2.0.1" in text and "ACME / X2" in text and "firmware 2.0.1-rc1" in text


async def test_pending_station_gets_security_error_for_other_calls_B02_FR_09(
    csms: Csms,
) -> None:
    """Pending: the boot is answered Pending with the retry interval (B02.FR.08), the
    connection stays open (B02.FR.06) and any other CALL gets SecurityError."""
    await csms.services.stations.add(
        "CS-P", "correct-horse-battery-staple", registration=Registration.PENDING
    )
    async with charge_point_201(csms, "CS-P") as cp:
        boot = await cp.call(boot_201())
        assert (boot.status, boot.interval) == ("Pending", 300)
        with pytest.raises(SecurityError):
            await cp.call(call.Heartbeat(), suppress=False)
        again = await cp.call(boot_201())  # the same socket still answers boots
        assert again.status == "Pending"
    station = await csms.services.stations.get("CS-P")
    assert station is not None and station.last_heartbeat_at is None


async def test_rejected_station_gets_security_error_for_other_calls_B03_FR_07(
    csms: Csms,
) -> None:
    """Rejected: the boot is answered Rejected and other CALLs get SecurityError."""
    await csms.services.stations.add(
        "CS-R", "correct-horse-battery-staple", registration=Registration.REJECTED
    )
    async with charge_point_201(csms, "CS-R") as cp:
        assert (await cp.call(boot_201())).status == "Rejected"
        with pytest.raises(SecurityError):
            await cp.call(
                call.StatusNotification(
                    timestamp=iso(T0), connector_status="Available", evse_id=1, connector_id=1
                ),
                suppress=False,
            )
    view = await csms.services.stations.get_view("CS-R")
    assert view is not None and view.connectors == ()


async def test_heartbeat_is_stored_and_answered_with_server_time_G02(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A Heartbeat stores the time and answers currentTime."""
    await provision("CS-1")
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(boot_201())
        beat = await cp.call(call.Heartbeat())
    station = await csms.services.stations.get("CS-1")
    assert station is not None and station.last_heartbeat_at is not None
    # 2.0.1 times carry at most 3 decimals (part 2 §dateTime)
    answered = datetime.fromisoformat(beat.current_time)
    assert timedelta(0) <= station.last_heartbeat_at - answered < timedelta(milliseconds=1)


async def test_status_notification_lands_in_the_connector_records_G01(
    csms: Csms, provision: ProvisionStation
) -> None:
    """evseId/connectorId are stored as they are, evseId 0 is the station itself, and an
    offline replay older than the stored status does not overwrite it."""
    await provision("CS-1")
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(boot_201())
        for evse_id, connector_id, status, at in [
            (1, 1, "Occupied", T0),
            (1, 2, "Available", T0),
            (2, 1, "Faulted", T0),
            (1, 1, "Available", T0 - timedelta(minutes=5)),  # older: ignored
            (0, 0, "Unavailable", T0),
        ]:
            await cp.call(
                call.StatusNotification(
                    timestamp=iso(at),
                    connector_status=status,
                    evse_id=evse_id,
                    connector_id=connector_id,
                )
            )
    view = await csms.services.stations.get_view("CS-1")
    assert view is not None
    assert [(c.evse_id, c.connector_id, c.status, c.status_at) for c in view.connectors] == [
        (1, 1, "Occupied", T0),
        (1, 2, "Available", T0),
        (2, 1, "Faulted", T0),
    ]
    assert (view.station.status, view.station.status_at) == ("Unavailable", T0)


# (provisioned status or None for no token, presented type, expected idTokenInfo.status)
AUTHORIZE_CASES = [
    (TokenStatus.ACCEPTED, "ISO14443", "Accepted"),
    (TokenStatus.BLOCKED, "ISO14443", "Blocked"),
    (TokenStatus.EXPIRED, "ISO14443", "Expired"),
    (TokenStatus.INVALID, "ISO14443", "Invalid"),
    (TokenStatus.NO_CREDIT, "KeyCode", "NoCredit"),
    (TokenStatus.NOT_ALLOWED_TYPE_EVSE, "eMAID", "NotAllowedTypeEVSE"),  # C01.FR.18
    (TokenStatus.NOT_AT_THIS_LOCATION, "ISO15693", "NotAtThisLocation"),  # C01.FR.22
    (TokenStatus.NOT_AT_THIS_TIME, "MacAddress", "NotAtThisTime"),  # C01.FR.24
    (None, "ISO14443", "Unknown"),
    (None, "Central", "Unknown"),
]


@pytest.mark.parametrize(("provisioned", "presented_type", "expected"), AUTHORIZE_CASES)
async def test_authorize_answers_the_token_status_C01_FR_07(
    csms: Csms,
    provision: ProvisionStation,
    provisioned: TokenStatus | None,
    presented_type: str,
    expected: str,
) -> None:
    """Every AuthorizationStatus the token table can produce, per IdTokenEnumType.
    (ConcurrentTx answers only a TransactionEvent Started, never an Authorize.)"""
    await provision("CS-1")
    if provisioned is not None:
        await csms.services.authorization.add_token("04A1B2C3", provisioned)
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(boot_201())
        answer = await cp.call(call.Authorize(id_token=token("04a1b2c3", presented_type)))
    assert answer.id_token_info["status"] == expected
    assert answer.certificate_status is None


async def test_authorize_carries_group_cache_expiry_and_personal_message_C01_FR_06(
    csms: Csms, provision: ProvisionStation
) -> None:
    """groupIdToken is the token's group with the group's type (Central when it has none),
    cacheExpiryDateTime its expiry, personalMessage its message."""
    await provision("CS-1")
    expiry = T0 + timedelta(days=400)
    add = csms.services.authorization.add_token
    await add("FLEET-7", type=TokenType.LOCAL)
    await add("TAG-1", expiry=expiry, parent_id_tag="FLEET-7", personal_message="Hello Ada")
    await add("TAG-2", parent_id_tag="HOUSEHOLD")  # group not provisioned itself
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(boot_201())
        first = (await cp.call(call.Authorize(id_token=token("TAG-1")))).id_token_info
        second = (await cp.call(call.Authorize(id_token=token("TAG-2")))).id_token_info
        third = (await cp.call(call.Authorize(id_token=token("TAG-3")))).id_token_info
    assert first["status"] == "Accepted"
    assert first["group_id_token"] == {"id_token": "FLEET-7", "type": "Local"}
    assert datetime.fromisoformat(first["cache_expiry_date_time"]) == expiry
    assert first["personal_message"] == {"format": "UTF8", "content": "Hello Ada"}
    assert second["group_id_token"] == {"id_token": "HOUSEHOLD", "type": "Central"}
    assert "cache_expiry_date_time" not in second and "personal_message" not in second
    assert third == {"status": "Unknown"}


async def test_no_authorization_token_is_always_accepted_C02_FR_02(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A start button: type NoAuthorization with an empty idToken (C02.FR.01) is Accepted."""
    await provision("CS-1")
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(boot_201())
        answer = await cp.call(call.Authorize(id_token=token("", "NoAuthorization")))
    assert answer.id_token_info == {"status": "Accepted"}


async def test_one_token_table_for_16_and_201(csms: Csms, provision: ProvisionStation) -> None:
    """1.6 idTag "ABC" and 2.0.1 ISO14443 "abc" are the same card; a token provisioned with
    a type answers Unknown to another type; 1.6 hears the 2.0.1-only refusals as Invalid."""
    await provision("CS-1")
    await provision("CP-16")
    add = csms.services.authorization.add_token
    await add("ABC", TokenStatus.BLOCKED)
    await add("EMAID-1", type=TokenType.EMAID)
    await add("BROKE", TokenStatus.NO_CREDIT)
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(boot_201())
        same_card = await cp.call(call.Authorize(id_token=token("abc")))
        own_type = await cp.call(call.Authorize(id_token=token("EMAID-1", "eMAID")))
        other_type = await cp.call(call.Authorize(id_token=token("EMAID-1", "ISO14443")))
    assert same_card.id_token_info["status"] == "Blocked"
    assert own_type.id_token_info["status"] == "Accepted"
    assert other_type.id_token_info["status"] == "Unknown"
    async with charge_point(csms, "CP-16") as cp16:
        await cp16.call(
            call16.BootNotification(charge_point_vendor="ACME", charge_point_model="X1")
        )
        abc = await cp16.call(call16.Authorize(id_tag="ABC"))
        broke = await cp16.call(call16.Authorize(id_tag="BROKE"))
    assert (abc.id_tag_info["status"], broke.id_tag_info["status"]) == ("Blocked", "Invalid")


async def test_authorize_with_contract_certificate_is_cert_chain_error_C07_FR_17(
    csms: Csms, provision: ProvisionStation
) -> None:
    """No ISO 15118 contract PKI is configured, so the chain cannot be verified:
    certificateStatus CertChainError and status Invalid, even for a known eMAID."""
    await provision("CS-1")
    await csms.services.authorization.add_token("NL-TNM-C12345678-X")
    hash_data = {
        "hash_algorithm": "SHA256",
        "issuer_name_hash": "a" * 64,
        "issuer_key_hash": "b" * 64,
        "serial_number": "1f",
        "responder_url": "http://ocsp.example",
    }
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(boot_201())
        answer = await cp.call(
            call.Authorize(
                id_token=token("NL-TNM-C12345678-X", "eMAID"),
                iso15118_certificate_hash_data=[hash_data],
            )
        )
    assert (answer.certificate_status, answer.id_token_info["status"]) == (
        "CertChainError",
        "Invalid",
    )


async def test_token_provisioned_by_the_cli_with_type_group_and_message(
    csms: Csms, provision: ProvisionStation, database_url: str
) -> None:
    """`voltgate token add` takes the 2.0.1 facts: type, group, personal message and the
    2.0.1-only statuses (any letter case); a message too long for the wire is refused."""
    await provision("CS-1")
    code, out, err = await run_voltgate(
        "token", "add", "EMAID-9", "--type", "emaid", "--parent", "FLEET-1",
        "--status", "nocredit", "--personal-message", "Please top up",
        url=database_url,
    )  # fmt: skip
    assert code == 0, err
    assert "EMAID-9" in out
    code, _, err = await run_voltgate(
        "token", "add", "X", "--personal-message", "x" * 513, url=database_url
    )
    assert code == 2 and "512" in err
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(boot_201())
        answer = await cp.call(call.Authorize(id_token=token("emaid-9", "eMAID")))
        other = await cp.call(call.Authorize(id_token=token("EMAID-9", "ISO14443")))
    assert answer.id_token_info == {
        "status": "NoCredit",
        "group_id_token": {"id_token": "FLEET-1", "type": "Central"},
        "personal_message": {"format": "UTF8", "content": "Please top up"},
    }
    assert other.id_token_info == {"status": "Unknown"}
