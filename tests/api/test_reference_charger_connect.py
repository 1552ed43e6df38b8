"""Reference endpoint 02, `POST /api/v1/ocpp/charger-connect`, as the reference writes it:
a remote start for a token on a charger, answered with the station's real status, in JSON
or XML both ways (reference/02-charger-connect-api-v1-ocpp.txt)."""

from __future__ import annotations

from xml.etree import ElementTree

from ocpp.v16 import call as call16

from tests.api.command_stations import station16, station201
from tests.api.conftest import Api, error
from voltgate.domain.access import Role

URL = "/api/v1/ocpp/charger-connect"
NS = "{http://schemas.datacontract.org/2004/07/IO.Swagger.Models}"
REQUEST_ID = "2b1ae105-ce6a-4d31-8845-4570003b9316"


def body(charger: str, token: str = "TAG-1") -> dict[str, object]:
    return {
        "id": REQUEST_ID,
        "chargerId": charger,
        "tokenId": token,
        "serverIpAddress": "10.0.0.5",
        "serverRestApiPort": 8080,
    }


def xml_body(charger: str, token: str = "TAG-1") -> str:
    """The reference's XML sample, with our values."""
    return (
        '<OcppChargerConnectRequest xmlns:i="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns="http://schemas.datacontract.org/2004/07/IO.Swagger.Models">'
        f"<chargerId>{charger}</chargerId><id>{REQUEST_ID}</id>"
        "<serverIpAddress>10.0.0.5</serverIpAddress><serverRestApiPort>8080</serverRestApiPort>"
        f"<tokenId>{token}</tokenId></OcppChargerConnectRequest>"
    )


async def test_json_request_starts_charging_and_answers_the_station_status(api: Api) -> None:
    """A 1.6 station gets RemoteStartTransaction for the token on its Available connector;
    the answer carries the station's status and the connector."""
    async with station16(api.csms, "CP-REF") as station:
        await station.call(
            call16.StatusNotification(connector_id=2, error_code="NoError", status="Available")
        )
        response = await api.post(URL, Role.OPERATOR, json=body("CP-REF"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "id": REQUEST_ID,
        "chargerId": "CP-REF",
        "connectorId": 2,
        "errorCode": "",
        "status": "Accepted",
        "info": "",
    }
    assert station.received[-1] == (
        "RemoteStartTransaction",
        {"id_tag": "TAG-1", "connector_id": 2},
    )


async def test_xml_in_and_out_with_the_reference_namespace(api: Api) -> None:
    """application/xml in, Accept: text/xml out: the DataContract element names, in order."""
    async with station201(api.csms, "CP-XML", accept=False) as station:
        response = await api.post(
            URL,
            Role.OPERATOR,
            content=xml_body("CP-XML"),
            headers={"Content-Type": "application/xml", "Accept": "text/xml"},
        )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{NS}OcppStatusResponse"
    assert [child.tag.removeprefix(NS) for child in root] == [
        "chargerId", "connectorId", "errorCode", "id", "info", "status"
    ]  # fmt: skip
    values = {child.tag.removeprefix(NS): child.text for child in root}
    assert (values["chargerId"], values["id"], values["status"]) == (
        "CP-XML", REQUEST_ID, "Rejected"
    )  # fmt: skip
    assert station.received[-1][0] == "RequestStartTransaction"


async def test_an_offline_charger_is_answered_offline(api: Api) -> None:
    """A charger that left (its command ends OFFLINE) or never came: status Offline."""
    async with station16(api.csms, "CP-LEFT"):
        pass
    await api.post("/api/v1/stations", json={"id": "CP-NEVER"})
    for charger in ("CP-LEFT", "CP-NEVER"):
        response = await api.post(URL, Role.OPERATOR, json=body(charger))
        assert response.status_code == 200
        answer = response.json()
        assert (answer["status"], answer["errorCode"], answer["connectorId"]) == (
            "Offline", "StationOffline", 0
        )  # fmt: skip
    commands = await api.get("/api/v1/stations/CP-LEFT/commands", Role.VIEWER)
    assert [c["state"] for c in commands.json()["data"]["items"]] == ["OFFLINE"]


async def test_bad_requests_get_clear_errors(api: Api) -> None:
    """Unknown charger 404; missing id 422; unreadable XML 422; other media 415; roles."""
    assert error(await api.post(URL, Role.OPERATOR, json=body("NOPE")), 404)["code"]
    missing = body("CP-X")
    del missing["id"]
    problem = error(await api.post(URL, Role.OPERATOR, json=missing), 422)
    assert problem["details"][0]["field"] == "id"
    for field in ("chargerId", "tokenId"):  # no station id or token holds a NUL
        nul = {**body("CP-X"), field: "CP\u0000X"}
        problem = error(await api.post(URL, Role.OPERATOR, json=nul), 422)
        assert problem["details"][0]["field"] == field
    bad_xml = await api.post(
        URL,
        Role.OPERATOR,
        content="<OcppChargerConnectRequest><unclosed>",
        headers={"Content-Type": "text/xml"},
    )
    error(bad_xml, 422)
    entity = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]>'
        "<OcppChargerConnectRequest><id>&e;</id></OcppChargerConnectRequest>"
    )
    error(
        await api.post(URL, Role.OPERATOR, content=entity, headers={"Content-Type": "text/xml"}),
        422,
    )
    error(
        await api.post(URL, Role.OPERATOR, content="id=1", headers={"Content-Type": "text/plain"}),
        415,
    )
    error(await api.post(URL, Role.VIEWER, json=body("CP-X")), 403)
