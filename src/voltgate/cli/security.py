"""`voltgate ca`: the CSMS certificate authority that signs station certificates
(docs/security.md)."""

from __future__ import annotations

from pathlib import Path

import click

from voltgate.cli.base import build_settings, cli, database_url_option


@cli.group()
def ca() -> None:
    """The CSMS certificate authority (security profiles 2 and 3, SignCertificate)."""


_ca_dir = click.option(
    "--dir",
    "ca_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="CA directory. Default: the ca_dir setting, else voltgate-ca next to the SQLite "
    "database, else ./voltgate-ca. Env: VOLTGATE_CA_DIR.",
)


@ca.command("init")
@_ca_dir
@database_url_option
@click.option(
    "--operator-name",
    help="Organization (O) of the CA and of every station certificate; stations' client "
    "certificates must carry it. Default: the operator_name setting (Voltgate).",
)
@click.option(
    "--server-name",
    "server_names",
    multiple=True,
    help="Host name or IP address stations use for the TLS ports (repeat for several; the "
    "first is the CN). Default: localhost and 127.0.0.1.",
)
@click.option(
    "--key-type",
    type=click.Choice(["ec", "rsa"]),
    default="ec",
    show_default=True,
    help="Key of the CA: ECDSA P-256 or RSA 3072.",
)
@click.option(
    "--no-server-cert",
    is_flag=True,
    help="Only the CA; the TLS ports will use tls_cert_file / tls_key_file.",
)
def ca_init(
    ca_dir: Path | None,
    database_url: str | None,
    operator_name: str | None,
    server_names: tuple[str, ...],
    key_type: str,
    no_server_cert: bool,
) -> None:
    """Create the CSMS certificate authority and the TLS server certificates.

    Creates what is missing (CA key and certificate, an ECDSA and an RSA server
    certificate signed by it) and never overwrites a file. Private keys are written with
    mode 0600. Give ca.pem to stations: it is the root they verify the CSMS with.
    """
    from voltgate.app import utc_now
    from voltgate.domain.authority import KeyType
    from voltgate.gateway import pki

    settings = build_settings(ca_dir=ca_dir, database_url=database_url, operator_name=operator_name)
    directory = settings.ca_directory()
    click.echo(f"certificate authority in {directory}")
    try:
        report = pki.init(
            directory,
            operator_name=settings.operator_name,
            server_names=server_names or pki.DEFAULT_SERVER_NAMES,
            key_type=KeyType(key_type),
            server_certificate=not no_server_cert,
            now=utc_now(),
        )
    except OSError as error:
        raise click.ClickException(str(error)) from None
    for name in report.created:
        click.echo(f"  created {name}")
    for name in report.kept:
        click.echo(f"  kept    {name} (exists)")
    click.echo(f"CA: {pki.describe(directory / pki.CA_CERT)}")
    if not report.created:
        click.echo("nothing to do: everything exists")
    click.echo(
        f"serve with operator_name={settings.operator_name!r} (VOLTGATE_OPERATOR_NAME): station "
        "certificates and CSRs must carry it as O"
    )


@ca.command("show")
@_ca_dir
@database_url_option
def ca_show(ca_dir: Path | None, database_url: str | None) -> None:
    """Show the CA and server certificates: subject, expiry, fingerprint."""
    from voltgate.gateway import pki

    settings = build_settings(ca_dir=ca_dir, database_url=database_url)
    directory = settings.ca_directory()
    if not pki.has_authority(directory):
        raise click.ClickException(f"no certificate authority in {directory}: run voltgate ca init")
    try:
        pki.load_authority(directory)
    except OSError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"certificate authority in {directory}")
    click.echo(f"  CA      {pki.describe(directory / pki.CA_CERT)}")
    for certificate, _key in pki.server_pairs(directory):
        click.echo(f"  server  {certificate.name}: {pki.describe(certificate)}")
