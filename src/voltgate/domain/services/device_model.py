"""Device model use cases: store NotifyReport parts, read a station's variables back."""

from __future__ import annotations

from voltgate.domain.device_model import (
    DeviceVariable,
    ReportPart,
    ReportSummary,
    StoredPart,
    matches,
    summarize,
)
from voltgate.domain.keys import report_part_key
from voltgate.domain.ports import Clock, Repositories, UnitOfWork


class DeviceModelService:
    """The device model of OCPP 2.0.1 stations, as they report it (B07, B08)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def store_report(self, station_id: str, part: ReportPart) -> bool:
        """Store one NotifyReport part exactly once; False when it was stored before (a
        retry: the same requestId, seqNo and generatedAt), in which case nothing changes.

        The part and all its variables are written in one unit of work, so a part is either
        wholly in the device model or not at all.
        """
        stored = StoredPart(
            station_id=station_id,
            request_id=part.request_id,
            seq_no=part.seq_no,
            tbc=part.tbc,
            generated_at=part.generated_at,
            received_at=self._clock(),
            variable_count=len(part.variables),
        )
        key = report_part_key(station_id, part.request_id, part.seq_no, part.generated_at)

        def work(repos: Repositories) -> bool:
            if not repos.device_model.add_part(stored, key):
                return False
            repos.device_model.save_variables(
                station_id, part.variables, part.generated_at, part.request_id
            )
            return True

        return await self._uow.submit(work)

    async def variables(
        self, station_id: str, *, component: str | None = None, variable: str | None = None
    ) -> list[DeviceVariable]:
        """A station's stored variable attributes, optionally only those of one component
        and/or variable name (case-insensitive, as 2.0.1 identifierStrings are)."""

        def work(repos: Repositories) -> list[DeviceVariable]:
            return repos.device_model.list_variables(station_id)

        found = await self._uow.submit(work)
        return [row for row in found if matches(row.address, component, variable)]

    async def reports(self, station_id: str) -> list[ReportSummary]:
        """The reports a station sent, newest first, with whether each is complete."""

        def work(repos: Repositories) -> list[StoredPart]:
            return repos.device_model.list_parts(station_id)

        return summarize(await self._uow.submit(work))
