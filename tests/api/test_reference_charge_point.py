"""Reference endpoint 01, `POST /api/Ocpp?chargeId=&connectorId=`, as the reference writes
it: the charging point (NabijeciBod) of a real 1.6 or 2.0.1 station's EVSE, every field
under its exact name and type, in JSON or DataContract XML parsed back
(reference/01-charge-point-lookup-api-Ocpp.txt)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ocpp.v16 import call as call16
from ocpp.v201 import call as call201

from tests.api.command_stations import station16, station201
from tests.api.conftest import Api, data, error
from voltgate.api.charge_point_codes import CODE_LISTS
from voltgate.api.charge_point_record import FIELDS
from voltgate.api.reference_formats import Collection, iso, to_json, to_xml
from voltgate.domain.access import Role

URL = "/api/Ocpp"
NS = "{http://schemas.datacontract.org/2004/07/CleverPowerModel}"
NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
REFERENCE = Path(__file__).parent / "reference" / "01-charge-point-lookup-api-Ocpp.txt"
SHARED = Path(__file__).parents[3] / "shared" / "reference" / REFERENCE.name
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def reference_fields() -> list[tuple[str, str]]:
    """(name, type) of NabijeciBod, parsed from the reference's help page text."""
    lines = [line.strip() for line in REFERENCE.read_text().splitlines() if line.strip()]
    start = lines.index("NabijeciBod") + 2  # after its "NameDescriptionType..." header
    end = lines.index("Response Formats")
    body = lines[start:end]
    return [(body[i], body[i + 1]) for i in range(len(body) - 2) if body[i + 2] == "None."]


def check_type(name: str, kind: str, value: Any) -> None:
    """`value` is what the reference's type says (null allowed but for collections)."""
    if kind.startswith("Collection of "):
        assert isinstance(value, list), name
    elif value is None:
        return
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), name
    elif kind == "decimal number":
        assert isinstance(value, int | float) and not isinstance(value, bool), name
    elif kind == "boolean":
        assert isinstance(value, bool), name
    elif kind == "string":
        assert isinstance(value, str), name
    elif kind == "date":
        assert datetime.fromisoformat(value).tzinfo is not None, name
    else:
        assert isinstance(value, dict), name


def from_xml(element: ElementTree.Element, like: Any) -> Any:
    """An XML element read back into JSON values, shaped after the JSON answer `like`."""
    if element.get(NIL) == "true":
        return None
    children = list(element)
    tags = [child.tag.removeprefix(NS) for child in children]
    if isinstance(like, list):
        return [from_xml(child, item) for child, item in zip(children, like, strict=True)]
    if isinstance(like, dict):
        assert tags == sorted(tags), "DataContract members are in alphabetical order"
        assert set(tags) == set(like)
        return {tag: from_xml(child, like[tag]) for tag, child in zip(tags, children, strict=True)}
    text = element.text or ""
    if isinstance(like, bool):
        return {"true": True, "false": False}[text]
    if isinstance(like, int | float):
        return type(like)(float(text)) if isinstance(like, float) else int(text)
    return text


def test_the_vendored_reference_is_the_shared_one() -> None:
    """The copy this suite parses is the reference document itself (when it is at hand)."""
    if SHARED.exists():
        assert REFERENCE.read_text() == SHARED.read_text()
    assert len(reference_fields()) == 74


def test_the_record_declares_exactly_the_reference_fields() -> None:
    """FIELDS lists the reference's fields in its order, each with the reference's type."""
    kinds = {"decimal number": "decimal"}
    expected = []
    for name, kind in reference_fields():
        if kind.startswith("Collection of "):
            expected.append((name, "collection:" + kind.removeprefix("Collection of ")))
        elif kind in ("integer", "decimal number", "boolean", "string", "date"):
            expected.append((name, kinds.get(kind, kind)))
        else:
            expected.append((name, f"object:{kind}"))
    assert list(FIELDS) == expected


def test_every_code_list_is_documented_with_its_numbering() -> None:
    """docs/api.md lists each code list with the ids the code gives (one numbering)."""
    text = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    for code_list in CODE_LISTS:
        assert code_list.doc_line() in text, code_list.name
        ids = [number for number, _, _ in code_list.entries]
        assert ids == list(range(1, len(ids) + 1)), code_list.name


async def charge_16(api: Api) -> None:
    """CP-16 described by the operator, then a real 1.6 station: status, a card session
    and a remotely started one on connector 1."""
    await api.post("/api/v1/stations", json={"id": "CP-16"})
    description = {
        "powerType": "AC_3_PHASE",
        "connectors": [
            {
                "id": 1,
                "connectionType": "IEC_62196_T2",
                "format": "SOCKET",
                "maxAmperage": 32,
                "maxVoltage": 400,
                "maxPowerWatts": 22000,
            }
        ],
        "limitPowerW": 11000,
        "limitCurrentA": 16,
        "code": "BRNO-01",
        "externalId": "ext-4711",
        "emi3Id": "CZ*ABC*E12345*1",
        "placement": "OUTDOOR",
        "public": True,
        "renewableEnergy": True,
        "valueAddedServices": False,
        "paymentTerminal": True,
        "paymentTerminalId": "88001234",
        "directPaymentAllowed": True,
        "tariffText": "0.39 EUR/kWh, 0.05 EUR/min after 4 h",
        "maxCapacityKwh": 150.5,
        "calibrationLaw": "SIGNED_METER_VALUES",
        "publishToHubject": True,
        "hubjectCompatible": True,
        "hubjectStatus": "AVAILABLE",
        "hubjectStatusPushedAt": at(-60),
        "hubjectDataPushedAt": at(-120),
        "operatorStatus": "IN_OPERATION",
    }
    data(await api.put("/api/v1/stations/CP-16/evses/1", Role.OPERATOR, json=description), 201)
    network = {
        "staticIp": True,
        "ipAddress": "10.20.0.16",
        "prefixLength": 24,
        "gateway": "10.20.0.1",
        "dnsServers": ["10.20.0.2", "10.20.0.3"],
        "ntpServer": "ntp.example.net",
        "ocppServerFqdn": "csms.example.net",
        "ocppServerIp": "198.51.100.10",
    }
    await api.patch("/api/v1/stations/CP-16", Role.OPERATOR, json={"network": network})
    await api.post("/api/v1/id-tokens", json={"idTag": "CARD-1", "type": "ISO14443"})
    async with station16(api.csms, "CP-16") as station:

        async def status(value: str, minute: int) -> None:
            await station.call(
                call16.StatusNotification(
                    connector_id=1, error_code="NoError", status=value, timestamp=at(minute)
                )
            )

        await status("Available", 0)
        card = await station.call(
            call16.StartTransaction(
                connector_id=1, id_tag="CARD-1", meter_start=1000, timestamp=at(1)
            )
        )
        await status("Charging", 2)
        await station.call(
            call16.StopTransaction(
                transaction_id=card.transaction_id,
                meter_stop=6000,
                timestamp=at(30),
                reason="EVDisconnected",
            )
        )
        start = {"idTag": "APP-1", "evseId": 1}
        command = await api.post("/api/v1/stations/CP-16/commands/start", json=start)
        assert data(command)["state"] == "ACCEPTED"
        await station.call(
            call16.StartTransaction(
                connector_id=1, id_tag="APP-1", meter_start=6000, timestamp=at(40)
            )
        )
        await status("Charging", 41)


async def test_a_16_station_answers_every_field_in_json(api: Api) -> None:
    """Every field of NabijeciBod, with the reference's types, from what the operator set
    and what the 1.6 station reported; nested objects carry no back reference."""
    await charge_16(api)
    response = await api.post(URL, Role.VIEWER, params={"chargeId": "CP-16", "connectorId": 1})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert list(answer) == [name for name, _ in reference_fields()]
    for name, kind in reference_fields():
        check_type(name, kind, answer[name])
    scalars = {name: value for name, value in answer.items() if not isinstance(value, list | dict)}
    assert isinstance(scalars.pop("DatumZmeny"), str)  # the operator's last change
    assert scalars == {
        "Id": 1,
        "Version": 1,
        "IdNabijeciStanice": 1,
        "IdNabijeciBodUmisteni": 2,
        "IdNabijeciBodVykonovyTypVystupniDostupny": 2,  # 11 kW AC: medium
        "IdNabijeciBodVykonovyTypVystupniJmenovity": 2,  # 22 kW AC: medium
        "DostupneVystupniNapetiV": 400.0,
        "DostupnyVystupniProudA": 16.0,
        "DostupnyVystupniVykonKw": 11.0,
        "JmenoviteVystupniNapetiV": 400.0,
        "JmenovityVystupniProudA": 32.0,
        "JmenovityVystupniVykonKw": 22.0,
        "IdNabijeciBodRezimNabijeniTyp": 3,
        "IdNabijeciBodDynamickeInformaceDostupnost": 1,
        "IdNabijeciBodNabijeniTyp": 2,
        "IdNabijeciBodKonektorTyp": 4,
        "IsNadstavboveSluzby": False,
        "IsVlastniIpAdresa": True,
        "IsAdresaIpv4": True,
        "IsAdresaIpv6": None,
        "IpAdresa": "10.20.0.16",
        "IpAdresaAdresniMaska": "255.255.255.0",
        "IpAdresaDelkaPredponyPodsite": "24",
        "IpAdresaVychoziBrana": "10.20.0.1",
        "IpAdresaDns": "10.20.0.2,10.20.0.3",
        "IdNabijeciBodSetUctovacichPravidel": None,
        "IsSynchronizovatSHubjectem": True,
        "DatumZmenyStavu": at(2),  # Available -> Charging; Charging again at 41 is no change
        "DatumPosledniAktualizaceStavuVHubjectu": at(-60),
        "DatumPosledniAktualizaceUdajuVHubjectu": at(-120),
        "OcppServerFqdn": "csms.example.net",
        "IdNabijeciBodKonektor": 1,
        "IdNabijeciBodStavVHubjectu": 1,
        "IdNabijeciBodStav": 3,
        "IpAdresaNtp": "ntp.example.net",
        "OcppServerIpAdresa": "198.51.100.10",
        "KapacitaMaximalniKwh": 150.5,
        "IsHubjectKompatibilni": True,
        "Smazano": False,
        "DatumPrvniAktivace": at(0),
        "IdNabijeciBodStavUzivatelsky": 2,
        "Kod": "BRNO-01",
        "IdSynchronizaceSExternimSystemem": "ext-4711",
        "EvseId": "CZ*ABC*E12345*1",
        "IdNabijeciBodDostupnostDatDleKalibracnihoZakona": 3,
        "IsEnergieZObnovitelnychZdroju": True,
        "Tarify": "0.39 EUR/kWh, 0.05 EUR/min after 4 h",
        "HasPlatebniTerminal": True,
        "IdObchodniPartnerProvozovnaPlatebniTerminal": 88001234,
        "IdNabijeciBodTransakceOkruh": None,
        "PovolenaPrimaPlatba": True,
        "NabijeciBodSetUctovacichPravidel": None,
        "NabijeciBodTransakceOkruh": None,
        "IsVerejny": True,
    }
    station = answer["NabijeciStanice"]
    assert (station["Id"], station["Kod"], station["Vyrobce"], station["Model"]) == (
        1, "CP-16", "ACME", "X1"
    )  # fmt: skip
    assert (station["OcppProtokol"], station["Registrace"]) == ("ocpp1.6", "Accepted")
    assert not any(isinstance(value, list) for value in station.values())  # no points back
    assert answer["NabijeciBodUmisteni"] == {"Id": 2, "Kod": "OUTDOOR", "Nazev": "Outdoor"}
    assert answer["NabijeciBodStav"]["Kod"] == "CHARGING"
    assert answer["NabijeciBodKonektorTyp"]["Kod"] == "IEC_62196_T2"
    assert answer["NabijeciBodNabijeniTyp"]["Kod"] == "AC_3_PHASE"
    assert answer["NabijeciBodRezimNabijeniTyp"]["Kod"] == "MODE_3"
    assert answer["NabijeciBodStavVHubjectu"]["Kod"] == "AVAILABLE"
    assert answer["NabijeciBodDynamickeInformaceDostupnost"]["Kod"] == "TRUE"
    for name in ("Jmenovity", "Dostupny"):
        key = f"NabijeciBodVykonovyTyp_IdNabijeciBodVykonovyTypVystupni{name}"
        assert answer[key]["Kod"] == "AC_MEDIUM"
    connector = answer["NabijeciBodKonektor"]
    assert (connector["Id"], connector["Provedeni"], connector["MaximalniVykonKw"]) == (
        1, "SOCKET", 22.0
    )  # fmt: skip
    sessions = answer["NabijeciBodTransakces"]
    assert [(s["IdentifikacniKod"], s["DatumUkonceni"]) for s in sessions] == [
        ("APP-1", None), ("CARD-1", at(30))
    ]  # fmt: skip
    assert (sessions[1]["StavMeraciZahajeniWh"], sessions[1]["SpotrebaKwh"]) == (1000, 5.0)
    assert all(s["IdNabijeciBod"] == 1 and "NabijeciBod" not in s for s in sessions)
    assert [(t["Kod"], t["Typ"], t["Stav"]) for t in answer["IdentifikacniKods"]] == [
        ("APP-1", None, None), ("CARD-1", "ISO14443", "ACCEPTED")
    ]  # fmt: skip
    modes = answer["NabijeciBodRezimOverovaniTypPrirazenies"]
    assert [m["NabijeciBodRezimOverovaniTyp"]["Kod"] for m in modes] == ["RFID", "REMOTE_START"]
    assert modes[0] == {
        "IdNabijeciBod": 1,
        "IdNabijeciBodRezimOverovaniTyp": 1,
        "NabijeciBodRezimOverovaniTyp": {"Id": 1, "Kod": "RFID", "Nazev": "RFID card"},
    }
    payments = answer["NabijeciBodMoznostPlatbyTypPrirazenies"]
    assert [p["IdNabijeciBodMoznostPlatbyTyp"] for p in payments] == [1, 2]
    for empty in (
        "NabijeciBodNadstavbovaSluzbaPrirazenas",
        "LogKomunikaceSExternimSystememCleverPowers",
        "ProceduraCasovyPlans",
        "NabijeciSitNabijeciBods",
    ):
        assert answer[empty] == []
    # connectorId 0 (and none) is the station's first EVSE; numbers stay what they were.
    for params in ({"chargeId": "CP-16", "connectorId": 0}, {"chargeId": "CP-16"}):
        again = await api.post(URL, Role.VIEWER, params=params)
        assert again.json() == answer


async def test_xml_is_datacontract_and_parses_back_to_the_same_record(api: Api) -> None:
    """Accept application/xml or text/xml: the reference's namespace, members in
    alphabetical order, i:nil for nulls, collections of typed items; read back, every
    value equals the JSON answer's. text/json answers JSON in that media type."""
    await charge_16(api)
    params = {"chargeId": "CP-16", "connectorId": 1}
    as_json = (await api.post(URL, Role.VIEWER, params=params)).json()
    for media in ("application/xml", "text/xml"):
        response = await api.post(URL, Role.VIEWER, params=params, headers={"Accept": media})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
        root = ElementTree.fromstring(response.content)
        assert root.tag == f"{NS}NabijeciBod"
        assert from_xml(root, as_json) == as_json
        ip_v6 = root.find(f"{NS}IsAdresaIpv6")
        assert ip_v6 is not None and ip_v6.get(NIL) == "true" and len(ip_v6) == 0
        sessions = root.find(f"{NS}NabijeciBodTransakces")
        assert sessions is not None
        assert [child.tag for child in sessions] == [f"{NS}NabijeciBodTransakce"] * 2
    text_json = await api.post(URL, Role.VIEWER, params=params, headers={"Accept": "text/json"})
    assert text_json.headers["content-type"].startswith("text/json")
    assert text_json.json() == as_json


async def test_a_201_station_and_connector_zero_picks_the_first_evse(api: Api) -> None:
    """A 2.0.1 station's EVSE 2 (reported) comes before EVSE 3 (only described by the
    operator) for connectorId 0, until EVSE 2 is soft-deleted; an eMAID token is Plug &
    Charge; an EVSE that never reported has no live status."""
    await api.post("/api/v1/stations", json={"id": "CP-201"})
    dc = {
        "powerType": "DC",
        "connectors": [
            {"id": 1, "connectionType": "IEC_62196_T2_COMBO", "format": "CABLE",
             "maxAmperage": 375, "maxVoltage": 920, "maxPowerWatts": 150000},
        ],
    }  # fmt: skip
    data(await api.put("/api/v1/stations/CP-201/evses/3", Role.OPERATOR, json=dc), 201)
    await api.post("/api/v1/id-tokens", json={"idTag": "DEABCC12345678X", "type": "EMAID"})
    async with station201(api.csms, "CP-201") as station:
        await station.call(
            call201.StatusNotification(
                timestamp=at(0), connector_status="Available", evse_id=2, connector_id=1
            )
        )
        await station.call(
            call201.TransactionEvent(
                event_type="Started",
                timestamp=at(1),
                trigger_reason="Authorized",
                seq_no=0,
                transaction_info={"transaction_id": "TX-PNC"},
                evse={"id": 2, "connector_id": 1},
                id_token={"id_token": "DEABCC12345678X", "type": "eMAID"},
            )
        )
        await station.call(
            call201.TransactionEvent(
                event_type="Ended",
                timestamp=at(45),
                trigger_reason="EVCommunicationLost",
                seq_no=1,
                transaction_info={"transaction_id": "TX-PNC", "stopped_reason": "EVDisconnected"},
                evse={"id": 2, "connector_id": 1},
            )
        )
    first = (await api.post(URL, Role.VIEWER, params={"chargeId": "CP-201"})).json()
    # Numbers are given on first address: EVSE 3 got 1 when the operator described it.
    assert (first["Id"], first["IdNabijeciBodStav"], first["IdNabijeciBodNabijeniTyp"]) == (
        2, 1, None
    )  # fmt: skip
    [session] = first["NabijeciBodTransakces"]
    assert (session["IdTransakceStanice"], session["DatumZahajeni"]) == ("TX-PNC", at(1))
    assert (session["DatumUkonceni"], session["DuvodUkonceni"]) == (at(45), "EVDisconnected")
    modes = first["NabijeciBodRezimOverovaniTypPrirazenies"]
    assert [m["NabijeciBodRezimOverovaniTyp"]["Kod"] for m in modes] == ["PLUG_AND_CHARGE"]
    assert first["NabijeciStanice"]["OcppProtokol"] == "ocpp2.0.1"
    patch = {"deleted": True}
    data(await api.patch("/api/v1/stations/CP-201/evses/2", Role.OPERATOR, json=patch))
    dc_point = (await api.post(URL, Role.VIEWER, params={"chargeId": "CP-201"})).json()
    assert (dc_point["Id"], dc_point["Smazano"], dc_point["JmenovityVystupniVykonKw"]) == (
        1, False, 150.0
    )  # fmt: skip
    assert dc_point["NabijeciBodVykonovyTyp_IdNabijeciBodVykonovyTypVystupniJmenovity"] == {
        "Id": 6, "Kod": "DC_ULTRA_FAST", "Nazev": "DC, 150 kW to below 350 kW"
    }  # fmt: skip
    assert (dc_point["IdNabijeciBodRezimNabijeniTyp"], dc_point["IdNabijeciBodStav"]) == (4, None)
    assert dc_point["NabijeciBodDynamickeInformaceDostupnost"]["Kod"] == "FALSE"
    assert dc_point["NabijeciBodTransakces"] == dc_point["IdentifikacniKods"] == []
    deleted = await api.post(URL, Role.VIEWER, params={"chargeId": "CP-201", "connectorId": 2})
    assert (deleted.json()["Id"], deleted.json()["Smazano"]) == (2, True)


async def test_bad_lookups_get_clear_errors(api: Api) -> None:
    """Unknown station or EVSE: 404 saying which; no chargeId or a negative connectorId:
    422 naming the parameter; no credentials: 401."""
    await api.post("/api/v1/stations", json={"id": "CP-EMPTY"})
    unknown = error(await api.post(URL, Role.VIEWER, params={"chargeId": "NOPE"}), 404)
    assert unknown["message"] == "unknown station 'NOPE'"
    no_evse = await api.post(URL, Role.VIEWER, params={"chargeId": "CP-EMPTY", "connectorId": 4})
    assert error(no_evse, 404)["message"] == "station 'CP-EMPTY' has no EVSE 4"
    none = error(await api.post(URL, Role.VIEWER, params={"chargeId": "CP-EMPTY"}), 404)
    assert none["message"].startswith("station 'CP-EMPTY' has no EVSE yet")
    missing = error(await api.post(URL, Role.VIEWER), 422)
    assert [d["location"] for d in missing["details"]] == ["query.chargeId"]
    negative = await api.post(URL, Role.VIEWER, params={"chargeId": "CP-EMPTY", "connectorId": -1})
    assert [d["location"] for d in error(negative, 422)["details"]] == ["query.connectorId"]
    assert error(await api.post(URL, None, params={"chargeId": "CP-EMPTY"}), 401)


def test_values_are_written_as_the_dotnet_serialisers_write_them() -> None:
    """Decimals without exponent or trailing .0 in XML, UTC dates with a Z and only the
    fraction there is, nulls as i:nil, members sorted, collection items by type name."""
    when = datetime(2026, 12, 1, 9, 30, 0, 120000, tzinfo=UTC)
    tree = {"b": 0.0000001, "a": 22.0, "c": None, "d": when, "e": Collection("Item", [{"x": 1}])}
    root = ElementTree.fromstring(to_xml("Root", "urn:test", tree))
    assert [(child.tag, child.text) for child in root][:4] == [
        ("{urn:test}a", "22"), ("{urn:test}b", "0.0000001"), ("{urn:test}c", None),
        ("{urn:test}d", "2026-12-01T09:30:00.12Z"),
    ]  # fmt: skip
    assert [item.tag for item in root[4]] == ["{urn:test}Item"]
    assert to_json(tree).decode() == (
        '{"b": 1e-07, "a": 22.0, "c": null, "d": "2026-12-01T09:30:00.12Z", "e": [{"x": 1}]}'
    )
    assert iso(when.replace(microsecond=0)) == "2026-12-01T09:30:00Z"
