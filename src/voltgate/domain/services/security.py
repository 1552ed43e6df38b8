"""Security use cases: admit a connecting station, sign its certificates, rotate its password.

* `admit` is the handshake decision for every port (security profiles 0-3): brute-force
  throttle, then the credential of the port's profile (password or client certificate),
  then the no-downgrade rule. `connected` records the profile a connection used.
* `sign_certificate` / `deliver_certificate`: SignCertificate (2.0.1 A02/A03, 1.6 Security
  Whitepaper A02/A03) checks the CSR and signs it with the CSMS CA; the certificate is
  stored, and sent with CertificateSigned after the SignCertificate answer.
* `rotate_password`: A01, a new random Basic auth password set over the live connection;
  stored only once the station accepted it (A01.FR.03), else the old one stays (A01.FR.04).

Commands reach stations through the `StationLink` port; each OCPP version's wording of
them comes from `SecurityCommands` (injected by the composition root).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from voltgate.domain import credentials
from voltgate.domain.authority import CertificateAuthority, certificate_pem
from voltgate.domain.certificates import (
    CheckedCsr,
    ClientCertificateProblem,
    Delivery,
    InvalidCsr,
    IssuedCertificate,
    check_client_certificate,
    check_csr,
    describe_subject,
    expected_common_name,
    signing_key,
)
from voltgate.domain.errors import CommandFailed, StationOffline, UnknownStation
from voltgate.domain.ports import Clock, Repositories, SecurityCommands, StationLink, UnitOfWork
from voltgate.domain.security import (
    Admission,
    ConnectAttempt,
    Refusal,
    SecurityPolicy,
    SecurityProfile,
    StationSecurity,
    Transport,
    after_connect,
    connection_profile,
    is_downgrade,
    new_password,
    required_profile,
    with_minimum,
)
from voltgate.domain.services.stations import StationService
from voltgate.domain.stations import ConnectOutcome, UnknownStationPolicy, may_skip_boot
from voltgate.domain.throttle import AuthThrottle


class SigningRefusal(enum.StrEnum):
    """Why a CSR is not signed (the handlers map it to the answer's reason code)."""

    NO_AUTHORITY = "no_authority"  # this node has no CA (run `voltgate ca init`)
    INVALID_CSR = "invalid_csr"


@dataclass(frozen=True, slots=True)
class Signing:
    """The outcome of a SignCertificate: a certificate to deliver, or why not."""

    issued: IssuedCertificate | None
    refusal: SigningRefusal | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PasswordRotation:
    """The outcome of `rotate_password` (the password itself is never returned)."""

    accepted: bool
    answer: dict[str, object]  # the station's answer, for the operator to read


@dataclass(frozen=True, slots=True)
class SecuritySetup:
    """Everything the security service is built from (one argument of `Services`).

    Attributes:
        policy: the operator's settings.
        failure_limit, failure_window_s: brute-force throttle (`AuthThrottle`); a limit of
            0 turns it off.
        authority: the CSMS CA, or None when this node has none (CSRs are then Rejected).
        link: sends commands to connected stations (None in offline tools).
        commands: each OCPP version's security commands, by subprotocol name.
    """

    policy: SecurityPolicy = field(default_factory=SecurityPolicy)
    failure_limit: int = 0
    failure_window_s: float = 300.0
    authority: CertificateAuthority | None = None
    link: StationLink | None = None
    commands: Mapping[str, SecurityCommands] = field(default_factory=dict)


class SecurityService:
    """Security profiles, the CSMS certificate authority and station credentials.

    Args:
        uow: runs units of work durably.
        clock: the server clock.
        stations: password checks and registration of unknown stations.
        setup: policy, throttle limits, CA, station link and commands.
    """

    def __init__(
        self, uow: UnitOfWork, clock: Clock, *, stations: StationService, setup: SecuritySetup
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._stations = stations
        self.policy = setup.policy
        self.authority = setup.authority
        self.throttle = AuthThrottle(
            limit=setup.failure_limit, window_s=setup.failure_window_s, clock=clock
        )
        self._link = setup.link
        self._commands = dict(setup.commands)

    # -- admission -----------------------------------------------------------------------

    async def admit(
        self,
        attempt: ConnectAttempt,
        *,
        unknown_stations: UnknownStationPolicy,
        allow_unauthenticated: bool,
    ) -> Admission:
        """Decide a connection attempt before the WebSocket upgrade.

        Order: a throttled address is refused before anything is checked; so is a profile
        below the node's floor (`min_security_profile`, nothing station-specific). Then
        the credential of the port's profile; then the profile against the station's own
        minimum (after the credential, so an unauthenticated client learns nothing about
        a station). Wrong credentials and unknown ids count as failures for the throttle.
        """
        mutual = attempt.transport is Transport.MUTUAL_TLS
        # Profile 3 authenticates with the certificate (A00.FR.401); a Basic auth header
        # sent along is no credential there.
        password = None if mutual else attempt.password
        profile = connection_profile(attempt.transport, password_given=password is not None)
        address = attempt.remote_address
        wait = self.throttle.retry_after(address)
        if wait is not None:
            failures = self.throttle.failures(address)
            detail = f"{failures} failed attempts from this address"
            return Admission(Refusal.THROTTLED, profile, detail=detail, retry_after_s=wait)
        if profile < self.policy.floor:
            return _downgrade(profile, self.policy.floor)
        if mutual:
            admission = await self._admit_certificate(attempt, profile, unknown_stations)
        elif attempt.username is not None and attempt.username != attempt.station_id:
            # A00.FR.204/303: the username SHALL be the station identity.
            detail = "Basic auth user is not the station id"
            admission = Admission(Refusal.UNAUTHORIZED, profile, detail=detail)
        else:
            verdict = await self._stations.authenticate(
                attempt.station_id,
                password,
                policy=unknown_stations,
                allow_unauthenticated=allow_unauthenticated,
            )
            if verdict.outcome is ConnectOutcome.UNKNOWN:
                admission = Admission(Refusal.UNKNOWN, profile, detail="unknown station id")
            elif verdict.outcome is ConnectOutcome.UNAUTHORIZED:
                detail = "wrong password" if password is not None else "no password"
                admission = Admission(Refusal.UNAUTHORIZED, profile, detail=detail)
            else:
                admission = Admission(None, profile, accepted=verdict.accepted)
        if admission.refusal is not None:
            self.throttle.failed(address)
            return admission
        record = await self.get(attempt.station_id)
        if is_downgrade(profile, record, self.policy.floor):
            return _downgrade(profile, required_profile(record, self.policy.floor))
        return admission

    async def _admit_certificate(
        self, attempt: ConnectAttempt, profile: SecurityProfile, policy: UnknownStationPolicy
    ) -> Admission:
        """Profile 3: the certificate is the credential (A00.FR.401-407)."""
        der = attempt.client_certificate
        station = await self._stations.get(attempt.station_id)
        if der is None:  # the TLS layer requires one; kept as a guard
            problem: ClientCertificateProblem | None = ClientCertificateProblem.UNREADABLE
        else:
            common_name = expected_common_name(
                self.policy.identity,
                attempt.station_id,
                station.serial_number if station is not None else None,
            )
            problem = check_client_certificate(
                der,
                common_name=common_name,
                organization=self.policy.operator_name,
                now=self._clock(),
            )
        if problem is not None:
            subject = describe_subject(der) if der is not None else "none"
            detail = f"client certificate {problem.value}: subject {subject}"
            return Admission(
                Refusal.CERTIFICATE, profile, detail=detail, certificate_problem=problem
            )
        if station is not None:
            return Admission(None, profile, accepted=may_skip_boot(station))
        # An unprovisioned station with a valid certificate of the operator: the unknown
        # stations policy decides, as for a password (registered without one).
        verdict = await self._stations.authenticate(
            attempt.station_id, None, policy=policy, allow_unauthenticated=True
        )
        if verdict.outcome is not ConnectOutcome.OK:
            return Admission(Refusal.UNKNOWN, profile, detail="unknown station id")
        return Admission(None, profile, accepted=verdict.accepted)

    async def connected(self, station_id: str, profile: SecurityProfile) -> StationSecurity:
        """Record the profile of an admitted connection; the station's minimum only rises."""
        now = self._clock()

        def work(repos: Repositories) -> StationSecurity:
            record = after_connect(repos.security.get_station(station_id), station_id, profile, now)
            repos.security.save_station(record)
            return record

        return await self._uow.submit(work)

    async def get(self, station_id: str) -> StationSecurity | None:
        """The station's security record, or None when it never connected."""

        def work(repos: Repositories) -> StationSecurity | None:
            return repos.security.get_station(station_id)

        return await self._uow.submit(work)

    async def set_minimum(self, station_id: str, minimum: SecurityProfile) -> StationSecurity:
        """An operator sets the lowest profile the station may connect with.

        Raises:
            UnknownStation: no such station is provisioned.
        """
        now = self._clock()

        def work(repos: Repositories) -> StationSecurity:
            if repos.stations.get(station_id) is None:
                raise UnknownStation(station_id)
            current = repos.security.get_station(station_id)
            record = with_minimum(current, station_id, minimum, now)
            if record != current:
                repos.security.save_station(record)
            return record

        return await self._uow.submit(work)

    # -- certificates ----------------------------------------------------------------------

    async def sign_certificate(self, station_id: str, csr_pem: str) -> Signing:
        """Check a CSR and sign it with the CSMS CA (A02.FR.11/12, A03.FR.11/12).

        The same CSR sent again (A02.FR.17: the station did not get its certificate) gets
        the certificate already issued for it, so a retry never issues a second one.
        """
        authority = self.authority
        if authority is None:
            reason = "no certificate authority is configured on this node (voltgate ca init)"
            return Signing(None, SigningRefusal.NO_AUTHORITY, reason)
        station = await self._stations.get(station_id)
        common_name = expected_common_name(
            self.policy.identity, station_id, station.serial_number if station else None
        )
        try:
            checked = check_csr(
                csr_pem, common_name=common_name, organization=self.policy.operator_name
            )
        except InvalidCsr as error:
            return Signing(None, SigningRefusal.INVALID_CSR, error.reason)
        now = self._clock()
        # Signing costs milliseconds of CPU with an RSA CA: off the event loop.
        certificate = await asyncio.to_thread(
            authority.issue,
            checked.request.subject,
            _public_key(checked),
            now=now,
            validity_days=self.policy.certificate_validity_days,
        )
        issued = _issued(station_id, checked, certificate, now)
        key = signing_key(station_id, checked)

        def work(repos: Repositories) -> IssuedCertificate:
            if repos.security.add_certificate(issued, key):
                return issued
            stored = repos.security.find_certificate(key)
            assert stored is not None  # add() found it
            return stored

        return Signing(await self._uow.submit(work))

    async def deliver_certificate(
        self, station_id: str, protocol: str, issued: IssuedCertificate
    ) -> Delivery:
        """Send CertificateSigned with `issued` and store the station's verdict.

        Raises:
            CommandFailed: the station rejected it, or the command failed (after storing
                that); the caller (a connection's follow-up task) logs it.
        """
        commands = self._commands_for(station_id, protocol)
        action, payload = commands.certificate_signed(issued.pem)
        failure: CommandFailed | None = None
        try:
            answer = await self._require_link(station_id).call(station_id, action, payload)
        except (CommandFailed, StationOffline) as error:
            delivery = Delivery.FAILED
            failure = (
                error
                if isinstance(error, CommandFailed)
                else CommandFailed(station_id, action, str(error))
            )
        else:
            if commands.certificate_accepted(answer):
                delivery = Delivery.ACCEPTED
            else:
                delivery = Delivery.REJECTED
                failure = CommandFailed(station_id, action, "the station rejected the certificate")
        now = self._clock()

        def work(repos: Repositories) -> None:
            repos.security.record_delivery(issued.serial_number, delivery, now)

        await self._uow.submit(work)
        if failure is not None:
            raise failure
        return delivery

    async def certificates(self, station_id: str) -> list[IssuedCertificate]:
        """The certificates issued for a station, newest first."""

        def work(repos: Repositories) -> list[IssuedCertificate]:
            return repos.security.list_certificates(station_id)

        return await self._uow.submit(work)

    # -- passwords -------------------------------------------------------------------------

    async def rotate_password(self, station_id: str) -> PasswordRotation:
        """Give a connected station a new random Basic auth password (A01).

        The new password is hashed before it is sent, so the hash is stored the moment the
        station accepts it (A01.FR.03: from then on the old password is refused; the station
        reconnects with the new one). Any other answer leaves the old password valid
        (A01.FR.04). The password is never logged, stored in clear or returned (A01.FR.08/09).

        Raises:
            UnknownStation: no such station.
            StationOffline: the station is not connected to this node.
            CommandFailed: CALLERROR, invalid answer or timeout (the old password stays).
        """
        station = await self._stations.get(station_id)
        if station is None:
            raise UnknownStation(station_id)
        if not station.connected:
            raise StationOffline(station_id)
        commands = self._commands_for(station_id, station.protocol)
        link = self._require_link(station_id)
        password = new_password(commands.password_kind)
        password_hash = await asyncio.to_thread(credentials.hash_password, password)
        action, payload = commands.set_password(password)
        answer = await link.call(station_id, action, payload)
        if not commands.password_accepted(answer):
            return PasswordRotation(accepted=False, answer=answer)

        def work(repos: Repositories) -> None:
            current = repos.stations.get(station_id)
            if current is None:
                raise UnknownStation(station_id)
            repos.stations.save(replace(current, password_hash=password_hash))

        await self._uow.submit(work)
        return PasswordRotation(accepted=True, answer=answer)

    # -- helpers -----------------------------------------------------------------------------

    def _commands_for(self, station_id: str, protocol: str | None) -> SecurityCommands:
        commands = self._commands.get(protocol or "")
        if commands is None:
            raise CommandFailed(
                station_id, "security command", f"no security commands for protocol {protocol!r}"
            )
        return commands

    def _require_link(self, station_id: str) -> StationLink:
        if self._link is None:
            raise StationOffline(station_id)
        return self._link


def _downgrade(profile: SecurityProfile, required: SecurityProfile) -> Admission:
    detail = f"security profile {int(profile)} is below the required {int(required)}"
    return Admission(Refusal.DOWNGRADE, profile, detail=detail)


def _public_key(checked: CheckedCsr) -> rsa.RSAPublicKey | ec.EllipticCurvePublicKey:
    key = checked.request.public_key()
    assert isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)  # check_csr ensured
    return key


def _issued(
    station_id: str, checked: CheckedCsr, certificate: x509.Certificate, now: datetime
) -> IssuedCertificate:
    return IssuedCertificate(
        serial_number=f"{certificate.serial_number:x}",
        station_id=station_id,
        common_name=checked.common_name,
        key_description=checked.key_description,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        pem=certificate_pem(certificate),
        issued_at=now,
    )
