"""Every typed command of Voltgate, sent over its REST API to a simulated station of each OCPP
version, ends ACCEPTED with the answer a well-behaved station gives; what the station reports
afterwards (a firmware update's progress, log uploads, reports) is stored as station events,
in order. On SQLite and PostgreSQL; the simulator checks every message against the official
schemas in both directions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.conftest import Api, api, csms, data, settings_overrides
from tests.certificates import root_certificate
from tests.simulator.voltgate import STATION, TAG, command, events, simulated, until

__all__ = ["api", "csms", "settings_overrides"]
URL = "https://firmware.example.com/fw-2.1.bin"
LOGS = "ftp://logs.example.com/cp"
MD5 = "9e107d9d372bb6826bd81d3542a419d6"
YES = ("ACCEPTED", "Accepted")


def _at(seconds: float = 0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


async def _statuses(api: Api, kind: str, count: int) -> list[dict[str, Any]]:
    """The first `count` events of `kind`, once they have all arrived."""

    async def arrived() -> bool:
        return len(await events(api, kind)) >= count

    await until(arrived)
    return (await events(api, kind))[:count]


async def _check(api: Api, name: str, body: dict[str, Any], expected: tuple[str, Any]) -> Any:
    record = await command(api, name, body)
    assert (record["state"], record["status"]) == expected, (name, record)
    return record


async def _certificates(api: Api, use: str) -> None:
    """Install a root certificate, find it by its hash data, delete it (M05, M03, M04)."""
    await _check(
        api,
        "install-certificate",
        {"certificateType": use, "certificate": root_certificate("Sim Root")},
        YES,
    )
    found = await _check(api, "get-installed-certificates", {"certificateType": [use]}, YES)
    chains = found["response"].get("certificateHashDataChain")
    hashes = found["response"].get("certificateHashData") or [
        c["certificateHashData"] for c in chains
    ]
    assert len(hashes) == 1
    await _check(api, "delete-certificate", {"certificateHashData": hashes[0]}, YES)
    gone = await _check(
        api, "get-installed-certificates", {"certificateType": [use]}, ("ACCEPTED", "NotFound")
    )
    assert "certificateHashData" not in gone["response"]


async def test_every_16_command_is_answered_as_a_station_would(api: Api) -> None:
    """Local list (§5.15/§5.10: VersionMismatch for a differential update that is not newer),
    firmware (§5.19), signed firmware, diagnostics (§5.9) and security logs, certificates
    and ExtendedTriggerMessage of the Security Whitepaper, each with its notifications."""
    async with simulated(api, "1.6"):
        full = {
            "versionNumber": 1,
            "updateType": "FULL",
            "entries": [{"idTag": TAG, "status": "ACCEPTED"}],
        }
        await _check(api, "send-local-list", full, YES)
        diff = {
            "versionNumber": 2,
            "updateType": "DIFFERENTIAL",
            "entries": [{"idTag": "LOST-CARD", "status": "BLOCKED"}],
        }
        await _check(api, "send-local-list", diff, YES)
        await _check(api, "send-local-list", diff, ("REJECTED", "VersionMismatch"))
        version = await _check(api, "get-local-list-version", {}, ("ACCEPTED", None))
        assert version["response"] == {"listVersion": 2}

        await _check(
            api, "update-firmware", {"location": URL, "retrieveDateTime": _at()}, ("ACCEPTED", None)
        )
        plain = await _statuses(api, "FirmwareStatusNotification", 4)
        assert [e["status"] for e in plain] == [
            "Downloading",
            "Downloaded",
            "Installing",
            "Installed",
        ]
        signed = {
            "location": URL,
            "retrieveDateTime": _at(),
            "signature": "c2lnbmF0dXJl",
            "signingCertificate": root_certificate("Firmware Signing"),
        }
        update = await _check(api, "update-firmware", signed, YES)
        assert update["action"] == "SignedUpdateFirmware"
        progress = await _statuses(api, "SignedFirmwareStatusNotification", 5)
        assert [(e["status"], e["requestId"]) for e in progress] == [
            (status, update["request"]["requestId"])
            for status in (
                "Downloading",
                "Downloaded",
                "SignatureVerified",
                "Installing",
                "Installed",
            )
        ]
        security = await _statuses(api, "SecurityEventNotification", 1)
        assert security[0]["type"] == "FirmwareUpdated"

        diagnostics = await _check(
            api, "get-log", {"logType": "DIAGNOSTICS", "remoteLocation": LOGS}, ("ACCEPTED", None)
        )
        assert diagnostics["response"]["fileName"].endswith(".zip")
        uploads = await _statuses(api, "DiagnosticsStatusNotification", 2)
        assert [e["status"] for e in uploads] == ["Uploading", "Uploaded"]
        log = await _check(api, "get-log", {"logType": "SECURITY", "remoteLocation": LOGS}, YES)
        uploaded = await _statuses(api, "LogStatusNotification", 2)
        assert uploaded == [
            {"status": s, "requestId": log["request"]["requestId"]}
            for s in ("Uploading", "Uploaded")
        ]

        await _certificates(api, "CSMS_ROOT")
        await _check(api, "trigger", {"message": "LogStatusNotification"}, YES)
        idle = await _statuses(api, "LogStatusNotification", 3)
        assert idle[2] == {"status": "Idle"}  # N01.FR.12: no upload is going on


async def test_every_201_command_is_answered_as_a_station_would(api: Api) -> None:
    """Local list (D01, D02), firmware (L01, L03, L04), logs (N01), certificates (M03-M05),
    customer information (N09), reports (B07, B08), network profile (B09), transaction
    status (E14), cost (I02), monitoring (N02-N06), display messages (O01-O05) and the
    profiles report (K09), each followed by its notifications with the command's id."""
    async with simulated(api, "2.0.1"):
        full = {
            "versionNumber": 5,
            "updateType": "FULL",
            "entries": [{"idTag": TAG, "status": "ACCEPTED"}],
        }
        await _check(api, "send-local-list", full, YES)
        version = await _check(api, "get-local-list-version", {}, ("ACCEPTED", None))
        assert version["response"] == {"versionNumber": 5}

        update = await _check(
            api, "update-firmware", {"location": URL, "retrieveDateTime": _at()}, YES
        )
        progress = await _statuses(api, "FirmwareStatusNotification", 4)
        assert [(e["status"], e["requestId"]) for e in progress] == [
            (status, update["id"])
            for status in ("Downloading", "Downloaded", "Installing", "Installed")
        ]
        published = await _check(api, "publish-firmware", {"location": URL, "checksum": MD5}, YES)
        publishing = await _statuses(api, "PublishFirmwareStatusNotification", 4)
        assert [e["status"] for e in publishing] == [
            "Downloading",
            "Downloaded",
            "ChecksumVerified",
            "Published",
        ]
        assert publishing[-1]["requestId"] == published["id"]
        assert publishing[-1]["location"][0].endswith(MD5)
        await _check(api, "unpublish-firmware", {"checksum": MD5}, ("ACCEPTED", "Unpublished"))
        log = await _check(api, "get-log", {"logType": "DIAGNOSTICS", "remoteLocation": LOGS}, YES)
        uploads = await _statuses(api, "LogStatusNotification", 2)
        assert uploads == [{"status": s, "requestId": log["id"]} for s in ("Uploading", "Uploaded")]
        await _certificates(api, "CSMS_ROOT")

        info = await _check(
            api, "customer-information", {"report": True, "clear": False, "idTag": TAG}, YES
        )
        (customer,) = await _statuses(api, "NotifyCustomerInformation", 1)
        assert customer["requestId"] == info["id"]
        assert "local authorization list: Accepted" in customer["data"]
        base = await _check(api, "get-base-report", {"reportBase": "SUMMARY_INVENTORY"}, YES)
        report = {"componentVariable": [{"component": "EVSE", "evseId": 1, "variable": "Power"}]}
        asked = await _check(api, "get-report", report, YES)
        reports = api.csms.services.device_model

        async def complete() -> bool:
            done = {r.request_id for r in await reports.reports(STATION) if r.complete}
            return {base["id"], asked["id"]} <= done

        await until(complete)  # B07.FR.04, B08.FR.04: both reports, in their parts
        one = next(r for r in await reports.reports(STATION) if r.request_id == asked["id"])
        assert (one.parts, one.variables) == (2, 1)

        network = {
            "configurationSlot": 2,
            "connectionData": {
                "ocppVersion": "OCPP20",
                "ocppTransport": "JSON",
                "messageTimeout": 30,
                "ocppCsmsUrl": "wss://csms.example.com/ocpp",
                "securityProfile": 2,
                "ocppInterface": "WIRED0",
            },
        }
        await _check(api, "set-network-profile", network, YES)
        await _check(api, "get-transaction-status", {}, ("ACCEPTED", None))
        await _monitoring(api)
        await _display_messages(api)
        await _transaction_and_profiles(api)


async def _monitoring(api: Api) -> None:
    monitor = {
        "address": {"component": "EVSE", "evseId": 1, "variable": "Power"},
        "type": "UPPER_THRESHOLD",
        "value": 20000,
        "severity": 4,
    }
    made = await _check(api, "set-variable-monitoring", {"setMonitoringData": [monitor]}, YES)
    monitor_id = made["response"]["setMonitoringResult"][0]["id"]
    report = await _check(api, "get-monitoring-report", {"monitoringCriteria": ["THRESHOLD"]}, YES)
    (monitors,) = await _statuses(api, "NotifyMonitoringReport", 1)
    assert monitors["requestId"] == report["id"]
    assert monitors["monitor"][0]["variableMonitoring"] == [
        {
            "id": monitor_id,
            "transaction": False,
            "value": 20000,
            "type": "UpperThreshold",
            "severity": 4,
        }
    ]
    await _check(api, "clear-variable-monitoring", {"id": [monitor_id]}, YES)
    await _check(api, "set-monitoring-base", {"monitoringBase": "FACTORY_DEFAULT"}, YES)
    await _check(api, "set-monitoring-level", {"severity": 5}, YES)


async def _display_messages(api: Api) -> None:
    message = {
        "id": 1,
        "priority": "IN_FRONT",
        "content": "Welcome",
        "language": "en",
        "state": "IDLE",
    }
    await _check(api, "set-display-message", {"message": message}, YES)
    asked = await _check(api, "get-display-messages", {"priority": "IN_FRONT"}, YES)
    (shown,) = await _statuses(api, "NotifyDisplayMessages", 1)
    assert shown["requestId"] == asked["id"]
    assert shown["messageInfo"][0]["message"]["content"] == "Welcome"
    await _check(api, "clear-display-message", {"id": 1}, YES)
    await _check(api, "get-display-messages", {}, ("ACCEPTED", "Unknown"))


async def _transaction_and_profiles(api: Api) -> None:
    started = await command(api, "start", {"idTag": TAG, "evseId": 2})

    async def reported() -> bool:
        return await _started(api, started["id"]) is not None

    await until(reported)
    tx_id = await _started(api, started["id"])
    status = await _check(
        api, "get-transaction-status", {"transactionId": tx_id}, ("ACCEPTED", None)
    )
    assert status["response"] == {"ongoingIndicator": True, "messagesInQueue": False}
    await _check(
        api, "cost-updated", {"transactionId": tx_id, "totalCost": 1.25}, ("ACCEPTED", None)
    )
    profile = {
        "id": 21,
        "stackLevel": 0,
        "chargingProfilePurpose": "CHARGING_STATION_MAX",
        "chargingProfileKind": "ABSOLUTE",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "startSchedule": _at(-60),
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 32}],
        },
    }
    await _check(api, "set-charging-profile", {"evseId": 0, "chargingProfile": profile}, YES)
    asked = await _check(api, "get-charging-profiles", {"chargingProfileId": [21]}, YES)
    (installed,) = await _statuses(api, "ReportChargingProfiles", 1)
    assert (installed["requestId"], installed["evseId"]) == (asked["id"], 0)
    assert installed["chargingProfile"][0]["id"] == 21


async def _started(api: Api, command_id: int) -> int | None:
    """Our id of the transaction a `start` command caused, once the station reported it."""
    transaction_id = data(await api.get(f"/api/v1/commands/{command_id}"))["transactionId"]
    return None if transaction_id is None else int(transaction_id)
