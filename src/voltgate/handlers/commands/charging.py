"""Smart charging in both versions: 1.6 SetChargingProfile / ClearChargingProfile /
GetCompositeSchedule (§5.16, §5.5, §5.7) and 2.0.1 K01, K10, K08, K09 (GetChargingProfiles,
2.0.1 only). The rules both share are `smart_charging.profiles.check`; what differs is here.
"""

from __future__ import annotations

from voltgate.domain import commands as c
from voltgate.domain.errors import InvalidCommand
from voltgate.domain.smart_charging import profiles as p
from voltgate.handlers.commands.common import Builder, Payload, put, refuse
from voltgate.ocpp.errors import OcppVersion

V16_, V201_ = OcppVersion.V16, OcppVersion.V201

PURPOSE_16 = {
    p.ProfilePurpose.CHARGING_STATION_MAX: "ChargePointMaxProfile",
    p.ProfilePurpose.TX_DEFAULT: "TxDefaultProfile",
    p.ProfilePurpose.TX: "TxProfile",
}
PURPOSE_201 = {
    p.ProfilePurpose.CHARGING_STATION_MAX: "ChargingStationMaxProfile",
    p.ProfilePurpose.TX_DEFAULT: "TxDefaultProfile",
    p.ProfilePurpose.TX: "TxProfile",
    p.ProfilePurpose.CHARGING_STATION_EXTERNAL_CONSTRAINTS: "ChargingStationExternalConstraints",
}
KIND = {
    p.ProfileKind.ABSOLUTE: "Absolute",
    p.ProfileKind.RECURRING: "Recurring",
    p.ProfileKind.RELATIVE: "Relative",
}
RECURRENCY = {p.Recurrency.DAILY: "Daily", p.Recurrency.WEEKLY: "Weekly"}
LIMIT_SOURCE = {
    p.LimitSource.EMS: "EMS",
    p.LimitSource.OTHER: "Other",
    p.LimitSource.SO: "SO",
    p.LimitSource.CSO: "CSO",
}


def set_profile_16(command: c.SetChargingProfile, context: c.BuildContext) -> tuple[str, Payload]:
    """§5.16: csChargingProfiles on connectorId = the EVSE (0: the station); a TxProfile
    names the transaction by the id the CSMS gave it, which is the 1.6 station's id too."""
    profile = command.profile
    p.check(profile, command.evse_id)
    if any(period.phase_to_use is not None for period in profile.schedule.periods):
        refuse(V16_, command.NAME, "phaseToUse is OCPP 2.0.1 only")
    # One schedule per 1.6 profile, without an id of its own.
    cs = _profile(profile, PURPOSE_16[profile.purpose], id_key="chargingProfileId")
    put(cs, "transactionId", profile.transaction_id)
    return "SetChargingProfile", {"connectorId": command.evse_id, "csChargingProfiles": cs}


def set_profile_201(command: c.SetChargingProfile, context: c.BuildContext) -> tuple[str, Payload]:
    """K01: one chargingSchedule (K01.FR.34) whose id is the profile's; a TxProfile names
    the station's own transactionId (K01.FR.03)."""
    profile = command.profile
    p.check(profile, command.evse_id)
    if profile.kind is not p.ProfileKind.RELATIVE and profile.schedule.start is None:
        raise InvalidCommand("an Absolute or Recurring profile has a startSchedule (K01.FR.40)")
    cs = _profile(profile, PURPOSE_201[profile.purpose], id_key="id", schedule_id=profile.id)
    cs["chargingSchedule"] = [cs["chargingSchedule"]]
    if profile.transaction_id is not None:
        if context.station_transaction_id is None:
            raise InvalidCommand(f"transaction {profile.transaction_id} has no 2.0.1 transactionId")
        cs["transactionId"] = context.station_transaction_id
    return "SetChargingProfile", {"evseId": command.evse_id, "chargingProfile": cs}


def _profile(
    profile: p.ChargingProfile, purpose: str, *, id_key: str, schedule_id: int | None = None
) -> Payload:
    """The fields 1.6 csChargingProfiles and 2.0.1 ChargingProfileType spell alike (the
    profile's id under `id_key`, the schedule's id when the version has one)."""
    schedule = profile.schedule
    periods = []
    for period in schedule.periods:
        entry: Payload = {"startPeriod": period.start_s}
        put(entry, "limit", period.limit)
        put(entry, "numberPhases", period.phases)
        periods.append(put(entry, "phaseToUse", period.phase_to_use))
    spelled = put({}, "id", schedule_id)
    spelled["chargingRateUnit"] = schedule.rate_unit.value
    put(spelled, "startSchedule", schedule.start)
    put(spelled, "duration", schedule.duration_s)
    spelled["chargingSchedulePeriod"] = periods
    put(spelled, "minChargingRate", schedule.min_rate)
    cs: Payload = {
        id_key: profile.id,
        "stackLevel": profile.stack_level,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": KIND[profile.kind],
    }
    put(
        cs, "recurrencyKind", None if profile.recurrency is None else RECURRENCY[profile.recurrency]
    )
    put(cs, "validFrom", profile.valid_from)
    put(cs, "validTo", profile.valid_to)
    cs["chargingSchedule"] = spelled
    return cs


def clear_16(command: c.ClearChargingProfile, context: c.BuildContext) -> tuple[str, Payload]:
    """§5.5: by id, or by connector, purpose and stack level (none: all)."""
    payload: Payload = {}
    put(payload, "id", command.profile_id)
    put(payload, "connectorId", command.evse_id)
    if command.purpose is not None:
        if command.purpose not in PURPOSE_16:
            refuse(V16_, command.NAME, "1.6 has no ChargingStationExternalConstraints")
        payload["chargingProfilePurpose"] = PURPOSE_16[command.purpose]
    return "ClearChargingProfile", put(payload, "stackLevel", command.stack_level)


def clear_201(command: c.ClearChargingProfile, context: c.BuildContext) -> tuple[str, Payload]:
    """K10: by chargingProfileId, or by criteria (EVSE, purpose, stack level)."""
    criteria: Payload = {}
    put(criteria, "evseId", command.evse_id)
    if command.purpose is not None:
        criteria["chargingProfilePurpose"] = PURPOSE_201[command.purpose]
    put(criteria, "stackLevel", command.stack_level)
    payload: Payload = {}
    put(payload, "chargingProfileId", command.profile_id)
    return "ClearChargingProfile", put(payload, "chargingProfileCriteria", criteria or None)


def composite_16(command: c.GetCompositeSchedule, context: c.BuildContext) -> tuple[str, Payload]:
    """§5.7: connectorId 0 is the station's expected consumption."""
    payload: Payload = {"connectorId": command.evse_id, "duration": command.duration_s}
    unit = None if command.rate_unit is None else command.rate_unit.value
    return "GetCompositeSchedule", put(payload, "chargingRateUnit", unit)


def composite_201(command: c.GetCompositeSchedule, context: c.BuildContext) -> tuple[str, Payload]:
    """K08: evseId 0 is the station's grid connection (K08.FR.03)."""
    payload: Payload = {"duration": command.duration_s, "evseId": command.evse_id}
    unit = None if command.rate_unit is None else command.rate_unit.value
    return "GetCompositeSchedule", put(payload, "chargingRateUnit", unit)


def profiles_201(command: c.GetChargingProfiles, context: c.BuildContext) -> tuple[str, Payload]:
    """K09: requestId is the command's id (ReportChargingProfiles carries it back, K09.FR.01);
    the criteria are profile ids, or any of purpose, stack level and limit sources
    (K09.FR.03)."""
    others = (command.purpose, command.stack_level, command.sources or None)
    given = sum(value is not None for value in others)
    if command.profile_ids and given:
        raise InvalidCommand("ask for profile ids or for other criteria, not both (K09.FR.03)")
    if not command.profile_ids and not given:
        raise InvalidCommand(
            "name profile ids, or a purpose, stack level or limit source (K09.FR.03)"
        )
    criterion: Payload = {}
    if command.purpose is not None:
        criterion["chargingProfilePurpose"] = PURPOSE_201[command.purpose]
    put(criterion, "stackLevel", command.stack_level)
    put(criterion, "chargingProfileId", list(command.profile_ids) or None)
    sources = [LIMIT_SOURCE[source] for source in command.sources]
    put(criterion, "chargingLimitSource", sources or None)
    payload: Payload = {"requestId": context.command_id, "chargingProfile": criterion}
    return "GetChargingProfiles", put(payload, "evseId", command.evse_id)


V16: dict[type, Builder] = {
    c.SetChargingProfile: set_profile_16,
    c.ClearChargingProfile: clear_16,
    c.GetCompositeSchedule: composite_16,
}
V201: dict[type, Builder] = {
    c.SetChargingProfile: set_profile_201,
    c.ClearChargingProfile: clear_201,
    c.GetCompositeSchedule: composite_201,
    c.GetChargingProfiles: profiles_201,
}
