"""What follows an Accepted BootNotification in either OCPP version."""

from __future__ import annotations

from voltgate.domain.stations import BootVerdict, Registration
from voltgate.handlers.router import Context


def after_boot(ctx: Context, verdict: BootVerdict) -> None:
    """Once the Accepted answer is on the wire, bring a station of a catalog model to its
    model's configuration keys (`StationConfigurationService.apply`), as a follow-up: a
    handler never awaits the station it is answering. Only an Accepted station: a Pending
    one may be configured too (2.0.1 B02.FR.01), but it is not in service yet, and it gets
    its keys at the boot that is Accepted."""
    if verdict.status is not Registration.ACCEPTED or verdict.model_id is None:
        return
    station_id, configuration = ctx.station_id, ctx.services.station_configuration
    ctx.then(lambda: configuration.apply(station_id))
