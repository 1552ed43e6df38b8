"""The charging point record of reference 01 (``NabijeciBod``), built from our records.

`FIELDS` is the reference's field list, in its order, with each field's type; `record`
fills every field from a `domain.charging_points.ChargingPoint` (null where Voltgate has
no such fact), and docs/api.md says what backs each one. Nested objects are new dicts that
never point back: the station (``NabijeciStanice``) comes without its charging points, a
transaction without its charging point, an id token without its transactions.

Code-list ids and objects come from `api.charge_point_codes`.
"""

from __future__ import annotations

from typing import Any

from voltgate.api import charge_point_codes as codes
from voltgate.api.enums import connector_status
from voltgate.api.reference_formats import Collection
from voltgate.domain.authorization import IdToken
from voltgate.domain.charging_points import ChargingPoint
from voltgate.domain.equipment import charging_mode, power_class
from voltgate.domain.stations import Connector, Station
from voltgate.domain.transactions import Transaction

# (name, type) in the reference's order. Types: integer, decimal, boolean, string, date
# (all nullable), "object:<Type>" (nullable) and "collection:<ItemType>" (never null).
FIELDS: tuple[tuple[str, str], ...] = (
    ("Id", "integer"),
    ("Version", "integer"),
    ("IdNabijeciStanice", "integer"),
    ("IdNabijeciBodUmisteni", "integer"),
    ("IdNabijeciBodVykonovyTypVystupniDostupny", "integer"),
    ("IdNabijeciBodVykonovyTypVystupniJmenovity", "integer"),
    ("DostupneVystupniNapetiV", "decimal"),
    ("DostupnyVystupniProudA", "decimal"),
    ("DostupnyVystupniVykonKw", "decimal"),
    ("JmenoviteVystupniNapetiV", "decimal"),
    ("JmenovityVystupniProudA", "decimal"),
    ("JmenovityVystupniVykonKw", "decimal"),
    ("IdNabijeciBodRezimNabijeniTyp", "integer"),
    ("IdNabijeciBodDynamickeInformaceDostupnost", "integer"),
    ("IdNabijeciBodNabijeniTyp", "integer"),
    ("IdNabijeciBodKonektorTyp", "integer"),
    ("IsNadstavboveSluzby", "boolean"),
    ("IsVlastniIpAdresa", "boolean"),
    ("IsAdresaIpv4", "boolean"),
    ("IsAdresaIpv6", "boolean"),
    ("IpAdresa", "string"),
    ("IpAdresaAdresniMaska", "string"),
    ("IpAdresaDelkaPredponyPodsite", "string"),
    ("IpAdresaVychoziBrana", "string"),
    ("IpAdresaDns", "string"),
    ("IdNabijeciBodSetUctovacichPravidel", "integer"),
    ("IsSynchronizovatSHubjectem", "boolean"),
    ("DatumZmenyStavu", "date"),
    ("DatumPosledniAktualizaceStavuVHubjectu", "date"),
    ("DatumPosledniAktualizaceUdajuVHubjectu", "date"),
    ("OcppServerFqdn", "string"),
    ("IdNabijeciBodKonektor", "integer"),
    ("IdNabijeciBodStavVHubjectu", "integer"),
    ("IdNabijeciBodStav", "integer"),
    ("IpAdresaNtp", "string"),
    ("OcppServerIpAdresa", "string"),
    ("KapacitaMaximalniKwh", "decimal"),
    ("IsHubjectKompatibilni", "boolean"),
    ("DatumZmeny", "date"),
    ("Smazano", "boolean"),
    ("DatumPrvniAktivace", "date"),
    ("IdNabijeciBodStavUzivatelsky", "integer"),
    ("Kod", "string"),
    ("IdSynchronizaceSExternimSystemem", "string"),
    ("EvseId", "string"),
    ("IdNabijeciBodDostupnostDatDleKalibracnihoZakona", "integer"),
    ("IsEnergieZObnovitelnychZdroju", "boolean"),
    ("Tarify", "string"),
    ("HasPlatebniTerminal", "boolean"),
    ("IdObchodniPartnerProvozovnaPlatebniTerminal", "integer"),
    ("IdNabijeciBodTransakceOkruh", "integer"),
    ("PovolenaPrimaPlatba", "boolean"),
    ("NabijeciStanice", "object:NabijeciStanice"),
    ("NabijeciBodDynamickeInformaceDostupnost", "object:NabijeciBodDynamickeInformaceDostupnost"),
    ("NabijeciBodRezimNabijeniTyp", "object:NabijeciBodRezimNabijeniTyp"),
    ("NabijeciBodUmisteni", "object:NabijeciBodUmisteni"),
    (
        "NabijeciBodVykonovyTyp_IdNabijeciBodVykonovyTypVystupniJmenovity",
        "object:NabijeciBodVykonovyTyp",
    ),
    ("NabijeciBodKonektorTyp", "object:NabijeciBodKonektorTyp"),
    ("NabijeciBodNabijeniTyp", "object:NabijeciBodNabijeniTyp"),
    (
        "NabijeciBodVykonovyTyp_IdNabijeciBodVykonovyTypVystupniDostupny",
        "object:NabijeciBodVykonovyTyp",
    ),
    ("NabijeciBodTransakces", "collection:NabijeciBodTransakce"),
    ("NabijeciBodNadstavbovaSluzbaPrirazenas", "collection:NabijeciBodNadstavbovaSluzbaPrirazena"),
    ("NabijeciBodRezimOverovaniTypPrirazenies", "collection:NabijeciBodRezimOverovaniTypPrirazeny"),
    ("NabijeciBodMoznostPlatbyTypPrirazenies", "collection:NabijeciBodMoznostPlatbyTypPrirazeny"),
    ("NabijeciBodSetUctovacichPravidel", "object:NabijeciBodSetUctovacichPravidel"),
    ("NabijeciBodKonektor", "object:NabijeciBodKonektor"),
    ("NabijeciBodStav", "object:NabijeciBodStav"),
    ("NabijeciBodStavVHubjectu", "object:NabijeciBodStavVHubjectu"),
    (
        "LogKomunikaceSExternimSystememCleverPowers",
        "collection:LogKomunikaceSExternimSystememCleverPower",
    ),
    ("IdentifikacniKods", "collection:IdentifikacniKod"),
    ("ProceduraCasovyPlans", "collection:ProceduraCasovyPlan"),
    ("NabijeciSitNabijeciBods", "collection:NabijeciSitNabijeciBod"),
    ("NabijeciBodTransakceOkruh", "object:NabijeciBodTransakceOkruh"),
    ("IsVerejny", "boolean"),
)

_JSON_TYPES = {
    "integer": "integer",
    "decimal": "number",
    "boolean": "boolean",
    "string": "string",
    "date": "string",
}


def _kw(watts: float | None) -> float | None:
    return None if watts is None else round(watts / 1000, 6)


def record(point: ChargingPoint) -> dict[str, Any]:
    """The ``NabijeciBod`` of a charging point, fields in the reference's order."""
    view = point.view
    station, evse = view.station, view.evse
    network = station.network
    nominal, available = view.nominal, view.available
    connector = next((c for c in view.connectors if c.connection_type is not None), None)
    if connector is None and view.connectors:
        connector = view.connectors[0]
    kind = (
        None
        if connector is None or connector.connection_type is None
        else connector.connection_type.value
    )
    power_type = None if evse.power_type is None else evse.power_type.value
    mode = charging_mode(evse.power_type)
    rated = power_class(evse.power_type, nominal.power_w)
    allowed = power_class(evse.power_type, available.power_w)
    status = _status(view.status)
    dynamic = "TRUE" if any(c.status is not None for c in view.connectors) else "FALSE"
    hubject = None if evse.hubject_status is None else evse.hubject_status.value
    placement = None if evse.placement is None else evse.placement.value
    terminal = evse.payment_terminal_id
    values: dict[str, Any] = {
        "Id": evse.number,
        "Version": evse.version,
        "IdNabijeciStanice": station.number,
        "IdNabijeciBodUmisteni": codes.PLACEMENT.id_of(placement),
        "IdNabijeciBodVykonovyTypVystupniDostupny": codes.POWER_CLASS.id_of(_value(allowed)),
        "IdNabijeciBodVykonovyTypVystupniJmenovity": codes.POWER_CLASS.id_of(_value(rated)),
        "DostupneVystupniNapetiV": available.voltage_v,
        "DostupnyVystupniProudA": available.current_a,
        "DostupnyVystupniVykonKw": _kw(available.power_w),
        "JmenoviteVystupniNapetiV": nominal.voltage_v,
        "JmenovityVystupniProudA": nominal.current_a,
        "JmenovityVystupniVykonKw": _kw(nominal.power_w),
        "IdNabijeciBodRezimNabijeniTyp": codes.CHARGING_MODE.id_of(_value(mode)),
        "IdNabijeciBodDynamickeInformaceDostupnost": codes.DYNAMIC_INFO.id_of(dynamic),
        "IdNabijeciBodNabijeniTyp": codes.POWER_TYPE.id_of(power_type),
        "IdNabijeciBodKonektorTyp": codes.CONNECTION_TYPE.id_of(kind),
        "IsNadstavboveSluzby": evse.value_added_services,
        "IsVlastniIpAdresa": network.static_ip,
        "IsAdresaIpv4": network.ipv4,
        "IsAdresaIpv6": network.ipv6,
        "IpAdresa": network.ip_address,
        "IpAdresaAdresniMaska": network.netmask,
        "IpAdresaDelkaPredponyPodsite": (
            None if network.prefix_length is None else str(network.prefix_length)
        ),
        "IpAdresaVychoziBrana": network.gateway,
        "IpAdresaDns": ",".join(network.dns_servers) or None,
        "IdNabijeciBodSetUctovacichPravidel": None,
        "IsSynchronizovatSHubjectem": evse.publish_to_hubject,
        "DatumZmenyStavu": view.status_changed_at,
        "DatumPosledniAktualizaceStavuVHubjectu": evse.hubject_status_pushed_at,
        "DatumPosledniAktualizaceUdajuVHubjectu": evse.hubject_data_pushed_at,
        "OcppServerFqdn": network.ocpp_server_fqdn,
        "IdNabijeciBodKonektor": None if connector is None else connector.connector_id,
        "IdNabijeciBodStavVHubjectu": codes.HUBJECT_STATUS.id_of(hubject),
        "IdNabijeciBodStav": codes.STATUS.id_of(status),
        "IpAdresaNtp": network.ntp_server,
        "OcppServerIpAdresa": network.ocpp_server_ip,
        "KapacitaMaximalniKwh": evse.max_capacity_kwh,
        "IsHubjectKompatibilni": evse.hubject_compatible,
        "DatumZmeny": evse.modified_at,
        "Smazano": evse.deleted,
        "DatumPrvniAktivace": evse.first_activated_at,
        "IdNabijeciBodStavUzivatelsky": codes.OPERATOR_STATUS.id_of(_value(evse.operator_status)),
        "Kod": evse.code,
        "IdSynchronizaceSExternimSystemem": evse.external_id,
        "EvseId": evse.emi3_id,
        "IdNabijeciBodDostupnostDatDleKalibracnihoZakona": codes.CALIBRATION_LAW.id_of(
            _value(evse.calibration_law)
        ),
        "IsEnergieZObnovitelnychZdroju": evse.renewable_energy,
        "Tarify": evse.tariff_text,
        "HasPlatebniTerminal": evse.payment_terminal,
        # Their terminal records have integer ids: a numeric terminal id is given as one.
        "IdObchodniPartnerProvozovnaPlatebniTerminal": (
            int(terminal)
            if terminal is not None
            and terminal.isascii()
            and terminal.isdigit()
            and len(terminal) <= 9
            else None
        ),
        "IdNabijeciBodTransakceOkruh": None,
        "PovolenaPrimaPlatba": evse.direct_payment_allowed,
        "NabijeciStanice": _station(station),
        "NabijeciBodDynamickeInformaceDostupnost": codes.DYNAMIC_INFO.item(dynamic),
        "NabijeciBodRezimNabijeniTyp": codes.CHARGING_MODE.item(_value(mode)),
        "NabijeciBodUmisteni": codes.PLACEMENT.item(placement),
        "NabijeciBodVykonovyTyp_IdNabijeciBodVykonovyTypVystupniJmenovity": (
            codes.POWER_CLASS.item(_value(rated))
        ),
        "NabijeciBodKonektorTyp": codes.CONNECTION_TYPE.item(kind),
        "NabijeciBodNabijeniTyp": codes.POWER_TYPE.item(power_type),
        "NabijeciBodVykonovyTyp_IdNabijeciBodVykonovyTypVystupniDostupny": (
            codes.POWER_CLASS.item(_value(allowed))
        ),
        "NabijeciBodTransakces": Collection(
            "NabijeciBodTransakce", [_transaction(tx, evse.number) for tx in point.transactions]
        ),
        "NabijeciBodNadstavbovaSluzbaPrirazenas": Collection(
            "NabijeciBodNadstavbovaSluzbaPrirazena"
        ),
        "NabijeciBodRezimOverovaniTypPrirazenies": Collection(
            "NabijeciBodRezimOverovaniTypPrirazeny",
            [_assigned(codes.AUTH_MODE, mode.value, evse.number) for mode in point.auth_modes],
        ),
        "NabijeciBodMoznostPlatbyTypPrirazenies": Collection(
            "NabijeciBodMoznostPlatbyTypPrirazeny",
            [
                _assigned(codes.PAYMENT_OPTION, option.value, evse.number)
                for option in point.payment_options
            ],
        ),
        "NabijeciBodSetUctovacichPravidel": None,
        "NabijeciBodKonektor": None if connector is None else _connector(connector),
        "NabijeciBodStav": codes.STATUS.item(status),
        "NabijeciBodStavVHubjectu": codes.HUBJECT_STATUS.item(hubject),
        "LogKomunikaceSExternimSystememCleverPowers": Collection(
            "LogKomunikaceSExternimSystememCleverPower"
        ),
        "IdentifikacniKods": Collection(
            "IdentifikacniKod", [_token(tag, token) for tag, token in point.tokens]
        ),
        "ProceduraCasovyPlans": Collection("ProceduraCasovyPlan"),
        "NabijeciSitNabijeciBods": Collection("NabijeciSitNabijeciBod"),
        "NabijeciBodTransakceOkruh": None,
        "IsVerejny": evse.public,
    }
    return {name: values[name] for name, _ in FIELDS}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the record (OpenAPI): every field required, each nullable but
    the collections."""
    properties: dict[str, Any] = {}
    for name, kind in FIELDS:
        if kind.startswith("collection:"):
            properties[name] = {"type": "array", "items": {"type": "object"}}
        elif kind.startswith("object:"):
            properties[name] = {"type": ["object", "null"]}
        else:
            schema: dict[str, Any] = {"type": [_JSON_TYPES[kind], "null"]}
            if kind == "date":
                schema["format"] = "date-time"
            properties[name] = schema
    return {
        "title": "NabijeciBod",
        "type": "object",
        "properties": properties,
        "required": [name for name, _ in FIELDS],
    }


def _value(member: Any) -> str | None:
    return None if member is None else str(member.value)


def _status(reported: str | None) -> str | None:
    status = connector_status(reported)
    return None if status is None else status.value


def _station(station: Station) -> dict[str, Any]:
    """``NabijeciStanice``: the station's own fields, never its charging points."""
    return {
        "Id": station.number,
        "Kod": station.id,
        "Vyrobce": station.vendor,
        "Model": station.model,
        "VyrobniCislo": station.serial_number,
        "VerzeFirmwaru": station.firmware_version,
        "OcppProtokol": station.protocol,
        "Registrace": station.registration.value,
        "IsPripojena": station.connected,
        "DatumPripojeni": station.connected_at,
        "DatumOdpojeni": station.disconnected_at,
        "DatumPoslednihoHeartbeatu": station.last_heartbeat_at,
        "DatumZalozeni": station.created_at,
    }


def _connector(connector: Connector) -> dict[str, Any]:
    """``NabijeciBodKonektor``: the connector the record names."""
    kind = _value(connector.connection_type)
    status = _status(connector.status)
    return {
        "Id": connector.connector_id,
        "IdNabijeciBodKonektorTyp": codes.CONNECTION_TYPE.id_of(kind),
        "NabijeciBodKonektorTyp": codes.CONNECTION_TYPE.item(kind),
        "Provedeni": _value(connector.format),
        "MaximalniProudA": connector.max_amperage,
        "MaximalniNapetiV": connector.max_voltage,
        "MaximalniVykonKw": _kw(connector.max_power_watts),
        "IdNabijeciBodStav": codes.STATUS.id_of(status),
        "DatumZmenyStavu": connector.status_changed_at,
    }


def _transaction(tx: Transaction, point_number: int | None) -> dict[str, Any]:
    """``NabijeciBodTransakce``: the charging point by id only (no back reference)."""
    return {
        "Id": tx.id,
        "IdNabijeciBod": point_number,
        "IdNabijeciBodKonektor": tx.connector_id,
        "IdTransakceStanice": tx.remote_id,
        "IdentifikacniKod": tx.id_tag,
        "DatumZahajeni": tx.started_at,
        "DatumUkonceni": tx.stopped_at,
        "StavMeraciZahajeniWh": tx.meter_start_wh,
        "StavMeraciUkonceniWh": tx.meter_stop_wh,
        "SpotrebaKwh": None if tx.energy_wh is None else round(tx.energy_wh / 1000, 6),
        "DuvodUkonceni": tx.stop_reason,
    }


def _token(tag: str, token: IdToken | None) -> dict[str, Any]:
    """``IdentifikacniKod``: an id tag used here and, if provisioned, its record."""
    return {
        "Kod": tag,
        "Typ": None if token is None or token.type is None else token.type.name,
        "Stav": None if token is None else token.status.name,
        "DatumPlatnosti": None if token is None else token.expiry,
        "NadrazenyKod": None if token is None else token.parent_id_tag,
    }


def _assigned(code_list: codes.CodeList, code: str, point_number: int | None) -> dict[str, Any]:
    """An assignment of a code to the charging point (by id only)."""
    return {
        "IdNabijeciBod": point_number,
        f"Id{code_list.name}": code_list.id_of(code),
        code_list.name: code_list.item(code),
    }
