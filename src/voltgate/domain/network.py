"""A station's network settings: its own address, netmask, gateway, DNS and NTP, and the
OCPP server it is configured to reach.

They belong to the *station*, not to its EVSEs: the station's communication controller is
the one network endpoint (one IP interface, one OCPP WebSocket per station identity, OCPP
2.0.1 NetworkConnectionProfile is per station); its EVSEs share it. The charging point
record of reference 01 repeats them on each point of the station.

Validation uses `ipaddress`, and each fact is stored once: the prefix length is stored, the
IPv4 netmask is derived from it (`netmask`), never kept beside it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, replace

from voltgate.domain.errors import InvalidValue

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_DNS_SERVERS = 4
# RFC 1123 §2.1 host names: dot-separated labels of letters, digits and inner hyphens.
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    """How a station is connected. None: not stated by the operator.

    `static_ip`: the station has its own fixed address (False: DHCP). `ipv4`/`ipv6`: the
    station uses that protocol. `prefix_length` goes with `ip_address`; `gateway` lies in
    that subnet. `ntp_server` is an address or a host name; `ocpp_server_fqdn` and
    `ocpp_server_ip` are the CSMS address configured on the station.
    """

    static_ip: bool | None = None
    ipv4: bool | None = None
    ipv6: bool | None = None
    ip_address: str | None = None
    prefix_length: int | None = None
    gateway: str | None = None
    dns_servers: tuple[str, ...] = ()
    ntp_server: str | None = None
    ocpp_server_fqdn: str | None = None
    ocpp_server_ip: str | None = None

    @property
    def netmask(self) -> str | None:
        """The IPv4 netmask of `prefix_length` (None for IPv6 or without an address)."""
        if self.ip_address is None or self.prefix_length is None:
            return None
        address = ipaddress.ip_address(self.ip_address)
        if address.version != 4:
            return None
        return str(ipaddress.IPv4Network(f"0.0.0.0/{self.prefix_length}").netmask)


def parse_ip(value: str, field: str) -> IpAddress:
    """An IPv4 or IPv6 address, or InvalidValue naming `field`."""
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise InvalidValue(field, f"{value!r} is not an IPv4 or IPv6 address") from None


def prefix_of_netmask(netmask: str, field: str = "netmask") -> int:
    """The prefix length of a dotted IPv4 netmask (255.255.255.0 -> 24)."""
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{netmask}").prefixlen
    except ValueError:
        raise InvalidValue(field, f"{netmask!r} is not an IPv4 netmask") from None


def is_host_name(value: str) -> bool:
    """True for an RFC 1123 host name (at most 253 characters, a trailing dot allowed)."""
    name = value[:-1] if value.endswith(".") else value
    return 0 < len(name) <= 253 and all(_LABEL.match(label) for label in name.split("."))


def checked(settings: NetworkSettings) -> NetworkSettings:
    """The settings with addresses in canonical form, or InvalidValue naming the field.

    Rules: every address parses; the prefix length fits the address's family and needs an
    address; the gateway is of the same family and inside the subnet; the protocol flags
    agree with the addresses (an unset flag is set by the address of its family); a static
    address needs its prefix length; host names are RFC 1123 names.
    """
    address = None if settings.ip_address is None else parse_ip(settings.ip_address, "ip_address")
    flags = {4: settings.ipv4, 6: settings.ipv6}
    if address is not None:
        if flags[address.version] is False:
            raise InvalidValue(
                f"ipv{address.version}", f"the address is IPv{address.version}, which is off"
            )
        flags[address.version] = True
    if settings.static_ip and (address is None or settings.prefix_length is None):
        raise InvalidValue("ip_address", "a static address needs ipAddress and prefixLength")
    prefix = settings.prefix_length
    if prefix is not None:
        if address is None:
            raise InvalidValue("prefix_length", "a prefix length needs ipAddress")
        if not 0 <= prefix <= address.max_prefixlen:
            raise InvalidValue(
                "prefix_length", f"must be 0 to {address.max_prefixlen} for IPv{address.version}"
            )
    gateway = None if settings.gateway is None else parse_ip(settings.gateway, "gateway")
    if gateway is not None:
        if address is not None and gateway.version != address.version:
            raise InvalidValue("gateway", "the gateway is not of the address's IP version")
        if address is not None and prefix is not None:
            subnet = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
            if gateway not in subnet:
                raise InvalidValue("gateway", f"{gateway} is outside the subnet {subnet}")
        if flags[gateway.version] is False:
            raise InvalidValue("gateway", f"the gateway is IPv{gateway.version}, which is off")
    if len(settings.dns_servers) > MAX_DNS_SERVERS:
        raise InvalidValue("dns_servers", f"at most {MAX_DNS_SERVERS} servers")
    dns = tuple(str(parse_ip(server, "dns_servers")) for server in settings.dns_servers)
    ntp = settings.ntp_server
    if ntp is not None:
        try:
            ntp = str(ipaddress.ip_address(ntp))
        except ValueError:
            if not is_host_name(ntp):
                raise InvalidValue("ntp_server", f"{ntp!r} is no address or host name") from None
    fqdn = settings.ocpp_server_fqdn
    if fqdn is not None and not is_host_name(fqdn):
        raise InvalidValue("ocpp_server_fqdn", f"{fqdn!r} is not a host name")
    server_ip = settings.ocpp_server_ip
    return replace(
        settings,
        ipv4=flags[4],
        ipv6=flags[6],
        ip_address=None if address is None else str(address),
        gateway=None if gateway is None else str(gateway),
        dns_servers=dns,
        ntp_server=ntp,
        ocpp_server_ip=None if server_ip is None else str(parse_ip(server_ip, "ocpp_server_ip")),
    )
