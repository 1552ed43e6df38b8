"""A 2.0.1 station reports its device model with NotifyReport (B07/B08) in several parts;
the operator reads it back through the service and `voltgate station variables`."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from ocpp.v201 import call

from tests.e2e.conftest import ProvisionStation, charge_point_201
from voltgate.app import Csms
from voltgate.domain.device_model import AttributeType

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
BOOT = call.BootNotification(
    charging_station={"model": "X2", "vendor_name": "ACME"}, reason="PowerUp"
)


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def data(
    component: str,
    variable: str,
    attributes: list[dict[str, Any]],
    *,
    evse: dict[str, int] | None = None,
    instance: str | None = None,
    characteristics: dict[str, Any] | None = None,
) -> dict[str, Any]:
    component_type: dict[str, Any] = {"name": component}
    if evse is not None:
        component_type["evse"] = evse
    variable_type: dict[str, Any] = {"name": variable}
    if instance is not None:
        variable_type["instance"] = instance
    entry: dict[str, Any] = {
        "component": component_type,
        "variable": variable_type,
        "variable_attribute": attributes,
    }
    if characteristics is not None:
        entry["variable_characteristics"] = characteristics
    return entry


# A FullInventory in three parts (B07.FR.08, seqNo from 0: B07.FR.10, tbc on all but the last).
PARTS = [
    [
        data(
            "OCPPCommCtrlr",
            "HeartbeatInterval",
            [{"value": "300", "mutability": "ReadWrite", "persistent": True}],
            characteristics={
                "data_type": "integer",
                "unit": "s",
                "min_limit": 1,
                "max_limit": 86400,
                "supports_monitoring": False,
            },
        ),
        data(
            "AuthCtrlr",
            "Enabled",
            [{"value": "true"}],
            characteristics={"data_type": "boolean", "supports_monitoring": False},
        ),
    ],
    [
        data(
            "EVSE",
            "Power",
            [
                {"type": "Actual", "value": "0", "mutability": "ReadOnly"},
                {"type": "MaxSet", "value": "22000", "mutability": "ReadOnly", "constant": True},
            ],
            evse={"id": 1},
            characteristics={
                "data_type": "decimal",
                "unit": "W",
                "max_limit": 22000,
                "supports_monitoring": True,
            },
        ),
        data(
            "Connector",
            "ConnectorType",
            [{"value": "cType2", "mutability": "ReadOnly"}],
            evse={"id": 1, "connector_id": 1},
            characteristics={
                "data_type": "OptionList",
                "values_list": "cType2,sType2",
                "supports_monitoring": False,
            },
        ),
    ],
    [
        data(
            "SecurityCtrlr",
            "BasicAuthPassword",
            [{"mutability": "WriteOnly"}],  # B07.FR.11: reported though it has no value
            characteristics={"data_type": "string", "max_limit": 40, "supports_monitoring": False},
        ),
        data(
            "AlignedDataCtrlr",
            "Measurands",
            [{"value": "Energy.Active.Import.Register"}],
            instance="Tx",
        ),
    ],
]


def part(seq_no: int, *, request_id: int = 1, at: datetime = T0) -> call.NotifyReport:
    last = seq_no == len(PARTS) - 1
    return call.NotifyReport(
        request_id=request_id,
        generated_at=iso(at),
        seq_no=seq_no,
        tbc=None if last else True,
        report_data=PARTS[seq_no],
    )


async def voltgate(*args: str, url: str) -> tuple[int, str, str]:
    """The `voltgate` command as a user runs it, against the server's database."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "voltgate",
        *args,
        "--database-url",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_report_in_three_parts_is_the_station_device_model_B07(
    csms: Csms, provision: ProvisionStation, database_url: str
) -> None:
    """Each attribute is stored with value, mutability, persistent, constant and the
    variable's characteristics; the report is complete only after its last part."""
    await provision("CS-1")
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(BOOT)
        await cp.call(part(0))
        await cp.call(part(1))
        [summary] = await csms.services.device_model.reports("CS-1")
        assert (summary.parts, summary.complete) == (2, False)
        await cp.call(part(2))
    [summary] = await csms.services.device_model.reports("CS-1")
    assert (summary.request_id, summary.parts, summary.variables, summary.complete) == (
        1,
        3,
        6,
        True,
    )

    rows = await csms.services.device_model.variables("CS-1")
    assert len(rows) == 7  # six variables, one of them with two attributes
    power = await csms.services.device_model.variables("CS-1", component="evse")
    assert [(r.attribute.type, r.attribute.value, r.attribute.constant) for r in power] == [
        (AttributeType.ACTUAL, "0", False),
        (AttributeType.MAX_SET, "22000", True),
    ]
    assert (power[0].address.evse_id, power[0].address.connector_id) == (1, None)
    assert power[0].characteristics is not None
    assert (power[0].characteristics.unit, power[0].characteristics.max_limit) == ("W", 22000)
    [heartbeat] = await csms.services.device_model.variables("CS-1", variable="heartbeatinterval")
    attr = heartbeat.attribute
    assert (attr.value, attr.mutability, attr.persistent, attr.constant) == (
        "300",
        "ReadWrite",
        True,
        False,
    )
    [password] = await csms.services.device_model.variables("CS-1", variable="BasicAuthPassword")
    assert (password.attribute.value, password.attribute.mutability) == (None, "WriteOnly")
    [measurands] = await csms.services.device_model.variables("CS-1", component="AlignedDataCtrlr")
    assert (measurands.address.variable_instance, measurands.characteristics) == ("Tx", None)

    code, out, err = await voltgate(
        "station", "variables", "CS-1", "--component", "connector", "--json", url=database_url
    )
    assert code == 0, err
    shown = json.loads(out)
    assert shown["reports"][0]["complete"] is True
    assert shown["variables"] == [
        {
            "component": {
                "name": "Connector",
                "instance": None,
                "evse": {"id": 1, "connectorId": 1},
            },
            "variable": {"name": "ConnectorType", "instance": None},
            "attribute": {
                "type": "Actual",
                "value": "cType2",
                "mutability": "ReadOnly",
                "persistent": False,
                "constant": False,
            },
            "characteristics": {
                "dataType": "OptionList",
                "unit": None,
                "minLimit": None,
                "maxLimit": None,
                "valuesList": "cType2,sType2",
                "supportsMonitoring": False,
            },
            "reportedAt": "2026-11-20T08:00:00Z",
            "requestId": 1,
        }
    ]
    code, out, err = await voltgate("station", "variables", "CS-1", url=database_url)
    assert code == 0, err
    assert "report 1: complete, 3 part(s), 6 variable(s)" in out
    assert "EVSE EVSE 1\n  Power Actual = 0 W  (ReadOnly)  decimal" in out
    assert "HeartbeatInterval Actual = 300 s  (ReadWrite)  integer" in out
    assert "BasicAuthPassword Actual = (unset)  (WriteOnly)  string" in out
    code, _, err = await voltgate("station", "variables", "NOPE", url=database_url)
    assert code == 1 and "no station 'NOPE'" in err


async def test_retried_report_part_changes_nothing(csms: Csms, provision: ProvisionStation) -> None:
    """A part sent again (same message id, or a new one after a reconnect) is stored once:
    the report still counts three parts and six variables."""
    await provision("CS-1")
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(BOOT)
        for seq_no in range(3):
            await cp.call(part(seq_no), unique_id=f"report-{seq_no}")
        await cp.call(part(1), unique_id="report-1")  # retried with the same message id
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(part(1))  # after a reconnect, under a new message id
    [summary] = await csms.services.device_model.reports("CS-1")
    assert (summary.parts, summary.variables, summary.complete) == (3, 6, True)
    assert len(await csms.services.device_model.variables("CS-1")) == 7


async def test_parts_out_of_order_and_a_later_report_updating_values_B08(
    csms: Csms, provision: ProvisionStation
) -> None:
    """Parts may arrive in any order; a later report (GetReport, new requestId) updates the
    values it names and leaves the rest; a late part of an older report does not undo it."""
    await provision("CS-1")
    later = T0 + timedelta(hours=2)
    update = call.NotifyReport(
        request_id=2,
        generated_at=iso(later),
        seq_no=0,
        report_data=[data("OCPPCommCtrlr", "HeartbeatInterval", [{"value": "60"}])],
    )
    async with charge_point_201(csms, "CS-1") as cp:
        await cp.call(BOOT)
        await cp.call(part(2))
        [summary] = await csms.services.device_model.reports("CS-1")
        assert not summary.complete  # the last part came first
        await cp.call(part(1))
        await cp.call(update)
        await cp.call(part(0))  # the older report's first part arrives last
    reports = await csms.services.device_model.reports("CS-1")
    assert sorted((r.request_id, r.complete) for r in reports) == [(1, True), (2, True)]
    [heartbeat] = await csms.services.device_model.variables("CS-1", variable="HeartbeatInterval")
    assert (heartbeat.attribute.value, heartbeat.request_id, heartbeat.reported_at) == (
        "60",
        2,
        later,
    )
    assert heartbeat.characteristics is not None  # kept from the full inventory
    assert heartbeat.attribute.mutability == "ReadWrite"  # the default when omitted (§2.50)
    assert len(await csms.services.device_model.variables("CS-1")) == 7


async def test_a_reported_password_is_not_stored_a01_fr_09(
    csms: Csms, provision: ProvisionStation
) -> None:
    """A station that reports SecurityCtrlr.BasicAuthPassword (or any variable named like a
    password) in its device model has the variable stored, its value not: the CSMS keeps no
    password in clear (A01.FR.09)."""
    await provision("CS-P")
    report = call.NotifyReport(
        request_id=9,
        generated_at=iso(T0),
        seq_no=0,
        report_data=[
            data("SecurityCtrlr", "BasicAuthPassword", [{"value": "hunter2-hunter2"}]),
            data("WifiCtrlr", "VendorWifiPassword", [{"value": "wpa-secret"}]),
            data("SecurityCtrlr", "SecurityProfile", [{"value": "1"}]),
        ],
    )
    async with charge_point_201(csms, "CS-P") as cp:
        await cp.call(BOOT)
        await cp.call(report)
    stored = {
        row.address.variable: row.attribute.value
        for row in await csms.services.device_model.variables("CS-P")
    }
    assert stored == {
        "BasicAuthPassword": "<redacted>",
        "VendorWifiPassword": "<redacted>",
        "SecurityProfile": "1",
    }
