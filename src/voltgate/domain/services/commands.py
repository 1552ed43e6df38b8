"""Commands to stations: record, send, store the outcome (`domain.commands`).

`send` = `submit` + `run`. `submit` stores the command PENDING in one unit of work, after
the station's version dialect has built (and schema-checked) its payload: a command that
cannot be sent is refused before anything is stored. The stored request has its secrets
redacted; the real payload travels in memory (`Submitted`) to `run`, which calls the station
through the `StationLink` and stores the terminal state; it never raises for what the
station did (offline, timeout, CALLERROR), because that outcome is the record's to tell.
A command's effects on other records (a reservation made, answered, cancelled) are written
in the same units (`services.reservations`).

`dispatch` runs a submitted command in a task this service owns (the API's ``?async=true``);
`aclose` cancels those at shutdown, and `fail_unfinished` at the next start finishes
whatever a stopped server left PENDING as FAILED "server restarted".
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

from voltgate.domain.commands import (
    RESTARTED,
    Command,
    CommandDialect,
    CommandRecord,
    CommandState,
    Outcome,
    Submitted,
    finish,
    pending,
)
from voltgate.domain.errors import (
    CommandFailed,
    CommandTimedOut,
    InvalidCommand,
    StationOffline,
    UnknownStation,
)
from voltgate.domain.ports import Clock, Repositories, StationLink, UnitOfWork
from voltgate.domain.queries import Page, PageRequest, page_of
from voltgate.domain.services import reservations
from voltgate.domain.services.command_context import context_for

DEDUPE_KEY_BYTES = 16


@dataclass(frozen=True, slots=True)
class CommandSetup:
    """What the command service is built from (one argument of `Services`).

    Attributes:
        link: sends CALLs to connected stations (None in offline tools: every command
            ends OFFLINE).
        dialects: each OCPP version's spelling of the commands, by subprotocol name.
        link_window_s: how long a 1.6 remote start may still be tied to the transaction
            that follows it (the call timeout, by default).
    """

    link: StationLink | None = None
    dialects: Mapping[str, CommandDialect] = field(default_factory=dict)
    link_window_s: float = 30.0


class CommandService:
    """Commands to stations, each a stored record with a terminal state."""

    def __init__(self, uow: UnitOfWork, clock: Clock, *, setup: CommandSetup) -> None:
        self._uow = uow
        self._clock = clock
        self._link = setup.link
        self._dialects = dict(setup.dialects)
        self._window = timedelta(seconds=setup.link_window_s)
        self._tasks: set[asyncio.Task[CommandRecord]] = set()

    @property
    def dialects(self) -> Mapping[str, CommandDialect]:
        """How each OCPP version spells the commands, by subprotocol name."""
        return self._dialects

    async def send(
        self, station_id: str, command: Command, requested_by: str | None
    ) -> CommandRecord:
        """Store, send, and return the command in its terminal state.

        Raises:
            UnknownStation: no such station.
            InvalidCommand: the command cannot be sent to this station as asked.
        """
        return await self.run(await self.submit(station_id, command, requested_by))

    async def submit(
        self, station_id: str, command: Command, requested_by: str | None
    ) -> Submitted:
        """Store the command PENDING with the payload it will be sent with (secrets
        redacted in the record, kept in the returned `Submitted`).

        Raises:
            UnknownStation: no such station.
            InvalidCommand: the station's version cannot express it, the raw action or
                payload is not valid, or a transaction, reservation or id token it names
                is not the station's or not known.
            InvalidTransition: the reservation to cancel cannot be cancelled.
        """
        now, window = self._clock(), self._window
        key = secrets.token_bytes(DEDUPE_KEY_BYTES)

        def work(repos: Repositories) -> Submitted:
            station = repos.stations.get(station_id)
            if station is None:
                raise UnknownStation(station_id)
            protocol = station.protocol or ""
            dialect = self._dialects.get(protocol)
            if dialect is None:
                raise InvalidCommand(
                    f"station {station_id!r} never connected, so its OCPP version is unknown"
                )
            draft = pending(
                station_id, protocol, command, requested_by=requested_by, at=now, link_window=window
            )
            command_id = repos.commands.add(draft, key)
            context = context_for(repos, station_id, command, command_id, now)
            action, payload = dialect.build(command, context)
            stored = dialect.redacted(action, payload)
            record = replace(draft, id=command_id, action=action, request=stored)
            repos.commands.save(record)
            return Submitted(record, command, payload)

        return await self._uow.submit(work)

    async def run(self, submitted: Submitted) -> CommandRecord:
        """Send a PENDING command and store how it ended; the finished record."""
        record = submitted.record
        dialect = self._dialects[record.protocol]
        answer = None
        try:
            if self._link is None:
                raise StationOffline(record.station_id)
            answer = await self._link.call(record.station_id, record.action, submitted.payload)
        except StationOffline:
            outcome = Outcome(CommandState.OFFLINE, reason="the station is not connected")
        except CommandTimedOut as error:
            outcome = Outcome(CommandState.TIMED_OUT, reason=error.reason)
        except CommandFailed as error:
            outcome = Outcome(CommandState.FAILED, reason=error.reason)
        else:
            outcome = dialect.read(record.action, answer)
        return await self._finish(submitted, outcome, answer)

    def dispatch(self, submitted: Submitted) -> None:
        """Run a submitted command in a task owned by this service (see `aclose`)."""
        name = f"command-{submitted.record.id}"
        task = asyncio.create_task(self.run(submitted), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def aclose(self) -> None:
        """Cancel the commands still running (they stay PENDING until `fail_unfinished`)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def fail_unfinished(self, reason: str = RESTARTED) -> int:
        """Finish every PENDING command as FAILED with `reason` (called at start-up, when no
        command of this node can be in flight), and the reservations they were making; the
        count of commands."""
        now = self._clock()

        def work(repos: Repositories) -> int:
            reservations.fail_pending(repos, reason, now)
            return repos.commands.fail_pending(reason, now)

        return await self._uow.submit(work)

    async def get(self, command_id: int) -> CommandRecord | None:
        """The command, or None."""

        def work(repos: Repositories) -> CommandRecord | None:
            return repos.commands.get(command_id)

        return await self._uow.submit(work)

    async def page_for_station(
        self, station_id: str, page: PageRequest[int]
    ) -> Page[CommandRecord] | None:
        """One page of a station's commands, newest first; None when the station is unknown."""

        def work(repos: Repositories) -> list[CommandRecord] | None:
            if repos.stations.get(station_id) is None:
                return None
            return repos.commands.list_for_station(station_id, after=page.after, limit=page.fetch)

        rows = await self._uow.submit(work)
        return None if rows is None else page_of(rows, page)

    async def _finish(
        self, submitted: Submitted, outcome: Outcome, answer: dict[str, object] | None
    ) -> CommandRecord:
        now, window, record = self._clock(), self._window, submitted.record

        def work(repos: Repositories) -> CommandRecord:
            # Read again: a 1.6 StartTransaction may have linked the transaction meanwhile.
            current = repos.commands.get(record.id) or record
            if current.finished:  # the unit ran again after an ambiguous commit
                return current
            finished = finish(current, outcome, answer, at=now, link_window=window)
            if current.transaction_id is not None:
                finished = replace(finished, link_until=None)
            repos.commands.save(finished)
            reservations.command_finished(repos, submitted.command, finished, now)
            return finished

        return await self._uow.submit(work)
