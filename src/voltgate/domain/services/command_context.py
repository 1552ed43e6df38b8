"""What a command needs from storage before a dialect can spell it (`BuildContext`), and
the checks only storage can answer: is the transaction this station's (and still running,
where it must be), is the reservation cancellable, which id tokens go into a local list.

Runs inside the command's submit unit, after its record got its id and before anything is
stored as sent: whatever is refused here is refused with nothing stored.
"""

from __future__ import annotations

from datetime import datetime

from voltgate.domain import commands as c
from voltgate.domain.authorization import IdToken, PresentedToken
from voltgate.domain.errors import InvalidCommand
from voltgate.domain.ports import Repositories
from voltgate.domain.queries import MAX_LIMIT, PageRequest, TokenQuery
from voltgate.domain.services import reservations
from voltgate.domain.services.authorization import decide_with
from voltgate.domain.smart_charging.profiles import ProfilePurpose


def context_for(
    repos: Repositories, station_id: str, command: c.Command, command_id: int, now: datetime
) -> c.BuildContext:
    """The context of `command` (record `command_id`) for the station's dialect.

    Raises:
        InvalidCommand: a transaction or reservation that is not the station's, a
            transaction that has ended where it must run, an unknown id tag in a list.
        InvalidTransition: a reservation that cannot be cancelled.
    """
    context = c.BuildContext(command_id)
    match command:
        case c.StopCharging(transaction_id=tx_id) | c.GetTransactionStatus(transaction_id=tx_id):
            remote = None if tx_id is None else _transaction(repos, station_id, tx_id)
            return c.BuildContext(command_id, station_transaction_id=remote)
        case c.CostUpdated(transaction_id=tx_id):
            # I02: the running cost of an ongoing transaction.
            remote = _transaction(repos, station_id, tx_id, running=True)
            return c.BuildContext(command_id, station_transaction_id=remote)
        case c.SetDisplayMessage(message=message) if message.transaction_id is not None:
            remote = _transaction(repos, station_id, message.transaction_id)
            return c.BuildContext(command_id, station_transaction_id=remote)
        case c.SetChargingProfile(evse_id=evse_id, profile=profile) if (
            profile.purpose is ProfilePurpose.TX and profile.transaction_id is not None
        ):
            # K01.FR.09: a TxProfile for an EVSE without that transaction is rejected.
            remote = _transaction(
                repos, station_id, profile.transaction_id, running=True, evse_id=evse_id
            )
            return c.BuildContext(command_id, station_transaction_id=remote)
        case c.StartCharging(id_tag=id_tag) | c.CustomerInformation(id_tag=id_tag):
            return c.BuildContext(command_id, token_type=_token_type(repos, id_tag))
        case c.Reserve():
            reservations.created(repos, station_id, command, command_id, now)
            return c.BuildContext(
                command_id,
                token_type=_token_type(repos, command.id_tag),
                group_token_type=_token_type(repos, command.group_id_tag),
            )
        case c.CancelReservation():
            reservations.cancellable(repos, station_id, command)
        case c.SendLocalList():
            return c.BuildContext(command_id, local_list=_local_list(repos, command, now))
    return context


def _transaction(
    repos: Repositories,
    station_id: str,
    transaction_id: int,
    *,
    running: bool = False,
    evse_id: int | None = None,
) -> str | None:
    """The station's own id of our transaction `transaction_id` (None for 1.6, whose
    stations use ours)."""
    tx = repos.transactions.get(transaction_id)
    if tx is None or tx.station_id != station_id:
        raise InvalidCommand(f"station {station_id!r} has no transaction {transaction_id}")
    if running and tx.stopped_at is not None:
        raise InvalidCommand(f"transaction {transaction_id} has ended")
    if evse_id is not None and tx.evse_id != evse_id:
        raise InvalidCommand(f"transaction {transaction_id} runs on EVSE {tx.evse_id}")
    return tx.remote_id


def _token_type(repos: Repositories, id_tag: str | None) -> str | None:
    token = None if id_tag is None else repos.tokens.get(id_tag)
    return None if token is None or token.type is None else token.type.value


def _local_list(
    repos: Repositories, command: c.SendLocalList, now: datetime
) -> tuple[c.ListEntry, ...]:
    """The explicit entries (with the provisioned type where they have none), then the
    named id tokens, then every id token, each as Voltgate decides on it now."""
    explicit = []
    for entry in command.entries:
        token = repos.tokens.get(entry.id_tag)
        if entry.type is None and token is not None and token.type is not None:
            entry = c.ListEntry(entry.id_tag, entry.decision, token.type)
        explicit.append(entry)
    named = []
    for id_tag in command.id_tags:
        token = repos.tokens.get(id_tag)
        if token is None:
            raise InvalidCommand(f"no id token {id_tag!r} to put in the local list")
        named.append(_entry(repos, token, now))
    every = (
        [_entry(repos, token, now) for token in _all_tokens(repos)] if command.all_tokens else []
    )
    return c.combine(command.update, explicit, named, every)


def _entry(repos: Repositories, token: IdToken, now: datetime) -> c.ListEntry:
    """A provisioned token as the station should judge it offline: status (Expired once its
    expiry passed), expiry, group with its type, personal message."""
    decision = decide_with(repos, PresentedToken(token.id_tag), now, has_active_tx_elsewhere=False)
    return c.ListEntry(token.id_tag, decision, token.type)


def _all_tokens(repos: Repositories) -> list[IdToken]:
    """Every provisioned token, a page at a time (refused past `MAX_ENTRIES`)."""
    tokens: list[IdToken] = []
    after = None
    while True:
        page = repos.operator.tokens(TokenQuery(page=PageRequest(MAX_LIMIT, after)))
        tokens.extend(page[:MAX_LIMIT])
        if len(page) <= MAX_LIMIT:
            return tokens
        if len(tokens) > c.MAX_ENTRIES:
            raise InvalidCommand(f"a local list has at most {c.MAX_ENTRIES} entries")
        after = tokens[-1].key
