"""One frozen Settings object, built once in `cli.main()` and passed down.

Every field is documented in docs/settings.md (a test keeps the two in step). Each can be set
as a `voltgate serve` option or as the environment variable `VOLTGATE_<NAME>`.
"""

from __future__ import annotations

import enum
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from voltgate.domain.certificates import CertificateIdentity
from voltgate.domain.message_log import MessageLogMode
from voltgate.storage.database import DEFAULT_CHECKPOINT_PAGES, FOLD_EVERY_CHANGES

DEFAULT_CA_DIR = Path("voltgate-ca")


class UnknownStations(enum.StrEnum):
    """What the gateway does with a station id it has never seen."""

    REJECT = "reject"  # refuse the WebSocket handshake with 404
    PENDING = "pending"  # register it, answer its BootNotification with Pending
    ACCEPT = "accept"  # register it and accept it


class Settings(BaseSettings):
    """Voltgate's configuration. Defaults give the embedded single-node setup."""

    model_config = SettingsConfigDict(env_prefix="VOLTGATE_", frozen=True, extra="forbid")

    # Network
    host: str = "0.0.0.0"
    ocpp_port: int = Field(default=9000, ge=0, le=65535)
    api_port: int = Field(default=8000, ge=0, le=65535)
    ocpp_path: str = "/ocpp"

    # Storage
    database_url: str = "sqlite:///voltgate.db"
    commit_max_batch: int = Field(default=256, ge=1)
    commit_linger_ms: float = Field(default=0.0, ge=0)
    sqlite_checkpoint_pages: int = Field(default=DEFAULT_CHECKPOINT_PAGES, ge=100)
    sqlite_fold_changes: int = Field(default=FOLD_EVERY_CHANGES, ge=100)

    # Station admission (OCPP security profile 1 on `ocpp_port`)
    unknown_stations: UnknownStations = UnknownStations.REJECT
    allow_unauthenticated: bool = False

    # Security profiles 2 and 3, the certificate authority (docs/security.md)
    tls_port: int | None = Field(default=None, ge=0, le=65535)
    mtls_port: int | None = Field(default=None, ge=0, le=65535)
    tls_cert_file: Path | None = None
    tls_key_file: Path | None = None
    tls_client_ca_file: Path | None = None
    ca_dir: Path | None = None
    operator_name: str = Field(default="Voltgate", min_length=1)
    client_cert_identity: CertificateIdentity = CertificateIdentity.STATION_ID
    certificate_validity_days: int = Field(default=365, ge=1, le=3650)
    min_security_profile: int = Field(default=0, ge=0, le=3)
    auth_failure_limit: int = Field(default=10, ge=0)
    auth_failure_window: float = Field(default=300.0, gt=0)

    # REST API (docs/api.md)
    login_token_lifetime: int = Field(default=43200, ge=60, le=30 * 86400)

    # OCPP session
    heartbeat_interval: int = Field(default=300, ge=1)
    call_timeout: float = Field(default=30.0, gt=0)
    clock_skew_tolerance: int = Field(default=300, ge=0)
    reservation_expiry_check: float = Field(default=10.0, gt=0, le=3600)

    # WebSocket transport
    ping_interval: float = Field(default=60.0, gt=0)
    ping_timeout: float = Field(default=30.0, gt=0)
    max_frame_size: int = Field(default=65536, ge=1024)

    # Logging
    log_level: str = "info"
    log_format: str = "console"

    # Message log: every OCPP frame per station (docs/adr/0006-message-log.md)
    message_log: MessageLogMode = MessageLogMode.ALL
    message_log_retention_days: int = Field(default=7, ge=1, le=3650)
    message_log_max_payload: int = Field(default=65536, ge=64)
    message_log_buffer_kb: int = Field(default=65536, ge=1)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        value = value.lower()
        if value not in {"debug", "info", "warning", "error"}:
            raise ValueError("log_level must be one of debug, info, warning, error")
        return value

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value not in {"console", "json"}:
            raise ValueError("log_format must be console or json")
        return value

    def ca_directory(self) -> Path:
        """Where the CSMS certificate authority lives: `ca_dir`, else `voltgate-ca` next to
        the SQLite database file, else `./voltgate-ca`."""
        if self.ca_dir is not None:
            return self.ca_dir
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database).parent / DEFAULT_CA_DIR
        return DEFAULT_CA_DIR

    @field_validator("ocpp_path")
    @classmethod
    def _path_shape(cls, value: str) -> str:
        if not value.startswith("/") or value.endswith("/"):
            raise ValueError("ocpp_path starts with '/' and does not end with '/', e.g. /ocpp")
        return value
