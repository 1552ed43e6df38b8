"""Jobs a simulated station reports on over time: firmware updates, log and diagnostics
uploads, firmware publishing (1.6 §5.19, §5.9, Security Whitepaper; 2.0.1 L01, L03, N01).

A responder plans the job when it accepts the command: a `Timeline` of statuses, one every
`progress_s` seconds, waiting where the command says when to start (retrieveDateTime,
installDateTime). The plan becomes a `Notify` follow-up (each status one notification at
its time) and an `Activity` in the station's memory, from which the station answers later
questions without any clock of its own: is a job of that kind still running (AcceptedCanceled,
L01.FR.24, N01.FR.12; DownloadOngoing, L04), and which status did it report last (a
triggered FirmwareStatusNotification, L01.FR.25/26).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from voltgate.simulator.followups import Notify, Step

Payload = dict[str, Any]

FIRMWARE_JOB = "firmware"
LOG_JOB = "log"
PUBLISH_JOB = "publish"


@dataclass(frozen=True, slots=True)
class Activity:
    """A planned job: its request id and each status with the time it is reported."""

    request_id: int | None
    statuses: tuple[tuple[datetime, str], ...]

    def status_at(self, now: datetime) -> str | None:
        """The last status reported by `now`, None before the first."""
        reported = [status for at, status in self.statuses if at <= now]
        return reported[-1] if reported else None

    def running_at(self, now: datetime) -> bool:
        """Whether statuses are still to come."""
        return bool(self.statuses) and self.statuses[-1][0] > now


def last_reported(activity: Activity | None, now: datetime, done: str) -> tuple[str, int | None]:
    """What a triggered status notification of a job's kind reports, with its request id: the
    last status sent, or Idle before any job or once the last one reached `done` (firmware
    L01.FR.25/26; logs N01.FR.13: Idle without a requestId when no upload is ongoing)."""
    status = None if activity is None else activity.status_at(now)
    if activity is None or status is None or status == done:
        return "Idle", None
    return status, activity.request_id


@dataclass
class Timeline:
    """Builds the statuses of a job from `now`, one every `every_s` seconds."""

    now: datetime
    every_s: float
    statuses: list[tuple[datetime, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._next = self.now

    def then(self, status: str) -> Timeline:
        """Report `status` next."""
        self.statuses.append((self._next, status))
        self._next += timedelta(seconds=self.every_s)
        return self

    def not_before(self, at: datetime | None, waiting: str | None = None) -> Timeline:
        """Go on no earlier than `at`; report `waiting` now when that means waiting."""
        if at is not None and at > self._next:
            if waiting is not None:
                self.then(waiting)
            self._next = max(self._next, at)
        return self

    def plan(
        self, action: str, payload_of: Callable[[str], Payload], request_id: int | None, key: str
    ) -> tuple[Activity, Notify]:
        """The job as an `Activity` and the `Notify` that reports it with `action`."""
        steps = tuple(
            Step(action, payload_of(status), max(0.0, (at - self.now).total_seconds()))
            for at, status in self.statuses
        )
        return Activity(request_id, tuple(self.statuses)), Notify(steps, key=key)


def followed_by(
    notify: Notify, activity: Activity, action: str, payload_at: Callable[[datetime], Payload]
) -> Notify:
    """`notify` with one more CALL at the time of the activity's last status (the security
    event FirmwareUpdated once the firmware is installed, L01.FR.28)."""
    at, _ = activity.statuses[-1]
    last = Step(action, payload_at(at), notify.steps[-1].after_s if notify.steps else 0.0)
    return Notify((*notify.steps, last), key=notify.key)
