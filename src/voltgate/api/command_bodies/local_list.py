"""Local authorization list bodies: the list to send (entries given, taken from Voltgate's
id tokens, or both) and reading its version."""

from __future__ import annotations

from pydantic import Field

from voltgate.api import command_enums as e
from voltgate.api.command_schemas import Number
from voltgate.api.conventions import ApiModel, IdTag, UtcDateTime, to_domain
from voltgate.api.enums import AuthStatus, TokenType
from voltgate.domain import authorization as a
from voltgate.domain import commands as c


class ListEntryIn(ApiModel):
    """One id tag and what the station answers for it offline; no `status` removes the tag
    (DIFFERENTIAL only). `type` is the 2.0.1 token type (default: the provisioned token's,
    else CENTRAL)."""

    id_tag: IdTag
    status: AuthStatus | None = None
    expires_at: UtcDateTime | None = None
    parent_id_tag: IdTag | None = None
    type: TokenType | None = None

    def value(self) -> c.ListEntry:
        decision = None
        if self.status is not None:
            status = to_domain(a.AuthStatus, self.status)
            decision = a.TokenDecision(status, self.expires_at, self.parent_id_tag)
        token_type = None if self.type is None else to_domain(a.TokenType, self.type)
        return c.ListEntry(self.id_tag, decision, token_type)


class SendLocalListIn(ApiModel):
    """Send list `versionNumber` (> 0): `entries` as given, plus the id tokens named in
    `idTags` (as Voltgate answers for them now: status, expiry, group), or every id token
    (`allIdTokens`). A tag may appear once."""

    version_number: Number
    update_type: e.UpdateType
    entries: list[ListEntryIn] = Field(default_factory=list, max_length=c.MAX_ENTRIES)
    id_tags: list[IdTag] = Field(default_factory=list, max_length=c.MAX_ENTRIES)
    all_id_tokens: bool = False

    def command(self) -> c.Command:
        return c.SendLocalList(
            self.version_number,
            to_domain(c.UpdateType, self.update_type),
            tuple(entry.value() for entry in self.entries),
            tuple(self.id_tags),
            self.all_id_tokens,
        )


class GetLocalListVersionIn(ApiModel):
    """No fields."""

    def command(self) -> c.Command:
        return c.GetLocalListVersion()
