"""`domain.ports.AccessRepository` in SQL: API keys, users, login tokens.

Same habits as the other repositories: statements compiled once per dialect, executed on the
batch's connection, never committing. Rows map positionally onto the domain dataclasses,
whose fields are the tables' leading columns in order (checked by a test).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, and_, bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from voltgate.domain.access import ApiKey, LoginToken, Role, User, name_key
from voltgate.storage import tables as t
from voltgate.storage.sql import Compiled, Executor, Row
from voltgate.storage.types import UTCDateTime

KEY_FIELDS = tuple(f.name for f in fields(ApiKey))
USER_FIELDS = tuple(f.name for f in fields(User))
LOGIN_TOKEN_FIELDS = tuple(f.name for f in fields(LoginToken))
_KEY_ROLE = KEY_FIELDS.index("role")
_USER_ROLE = USER_FIELDS.index("role")


class AccessStatements:
    """The compiled statements of the access repository for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        insert: Any = sqlite.insert if dialect.name == "sqlite" else postgresql.insert

        def c(statement: Any, column_keys: list[str] | None = None) -> Compiled:
            return Compiled(statement, dialect, column_keys)

        k, u, lt = t.api_keys, t.users, t.login_tokens
        limit = bindparam("limit", type_=Integer())

        key_columns = [k.c[name] for name in KEY_FIELDS]
        self.key_add = c(insert(k), list(KEY_FIELDS))
        self.key_get = c(select(*key_columns).where(k.c.id == bindparam("_id")))
        self.key_by_hash = c(select(*key_columns).where(k.c.secret_hash == bindparam("_hash")))
        self.key_save = c(
            update(k).where(k.c.id == bindparam("_id")), ["last_used_at", "revoked_at"]
        )
        self.key_list = c(select(*key_columns).order_by(k.c.id).limit(limit))
        self.key_list_after = c(
            select(*key_columns).where(k.c.id > bindparam("after")).order_by(k.c.id).limit(limit)
        )

        user_columns = [u.c[name] for name in USER_FIELDS]
        writable = [*USER_FIELDS, "name_key", "email_key"]
        # Any unique column taken (id, name or email in any case): nothing is inserted.
        self.user_add = c(insert(u).on_conflict_do_nothing().returning(u.c.id), writable)
        self.user_get = c(select(*user_columns).where(u.c.id == bindparam("_id")))
        login = bindparam("login", type_=String())
        self.user_by_login = c(
            select(*user_columns).where(or_(u.c.name_key == login, u.c.email_key == login))
        )
        self.user_save = c(
            update(u).where(u.c.id == bindparam("_id")),
            [name for name in writable if name not in ("id", "name", "name_key", "created_at")],
        )
        self.user_list = c(select(*user_columns).order_by(u.c.id).limit(limit))
        self.user_list_after = c(
            select(*user_columns).where(u.c.id > bindparam("after")).order_by(u.c.id).limit(limit)
        )

        token_columns = [lt.c[name] for name in LOGIN_TOKEN_FIELDS]
        self.token_add = c(insert(lt), list(LOGIN_TOKEN_FIELDS))
        self.token_by_hash = c(select(*token_columns).where(lt.c.secret_hash == bindparam("_hash")))
        at = bindparam("at", type_=UTCDateTime())
        unrevoked = and_(lt.c.user_id == bindparam("_user"), lt.c.revoked_at.is_(None))
        self.token_revoke_all = c(update(lt).where(unrevoked).values(revoked_at=at))
        self.token_revoke_one = c(
            update(lt).where(unrevoked, lt.c.id == bindparam("_token")).values(revoked_at=at)
        )


class SqlAccess:
    """`domain.ports.AccessRepository` in SQL."""

    def __init__(self, db: Executor, sql: AccessStatements) -> None:
        self._db = db
        self._sql = sql

    def add_key(self, key: ApiKey) -> None:
        params = {name: getattr(key, name) for name in KEY_FIELDS}
        params["role"] = key.role.value
        self._db.run(self._sql.key_add, params)

    def get_key(self, key_id: str) -> ApiKey | None:
        row = self._db.first(self._sql.key_get, {"_id": key_id})
        return None if row is None else _key(row)

    def key_by_hash(self, secret_hash: bytes) -> ApiKey | None:
        row = self._db.first(self._sql.key_by_hash, {"_hash": secret_hash})
        return None if row is None else _key(row)

    def save_key(self, key: ApiKey) -> None:
        params = {"_id": key.id, "last_used_at": key.last_used_at, "revoked_at": key.revoked_at}
        self._db.run(self._sql.key_save, params)

    def list_keys(self, *, after: str | None, limit: int) -> list[ApiKey]:
        if after is None:
            rows = self._db.rows(self._sql.key_list, {"limit": limit})
        else:
            rows = self._db.rows(self._sql.key_list_after, {"after": after, "limit": limit})
        return [_key(row) for row in rows]

    def add_user(self, user: User) -> bool:
        return self._db.first(self._sql.user_add, _user_params(user)) is not None

    def get_user(self, user_id: str) -> User | None:
        row = self._db.first(self._sql.user_get, {"_id": user_id})
        return None if row is None else _user(row)

    def user_by_login(self, login: str) -> User | None:
        row = self._db.first(self._sql.user_by_login, {"login": name_key(login)})
        return None if row is None else _user(row)

    def save_user(self, user: User) -> None:
        params = _user_params(user)
        params["_id"] = params.pop("id")
        self._db.run(self._sql.user_save, params)

    def list_users(self, *, after: str | None, limit: int) -> list[User]:
        if after is None:
            rows = self._db.rows(self._sql.user_list, {"limit": limit})
        else:
            rows = self._db.rows(self._sql.user_list_after, {"after": after, "limit": limit})
        return [_user(row) for row in rows]

    def add_login_token(self, token: LoginToken) -> None:
        params = {name: getattr(token, name) for name in LOGIN_TOKEN_FIELDS}
        self._db.run(self._sql.token_add, params)

    def login_token_by_hash(self, secret_hash: bytes) -> LoginToken | None:
        row = self._db.first(self._sql.token_by_hash, {"_hash": secret_hash})
        return None if row is None else LoginToken(*row)

    def revoke_login_tokens(self, user_id: str, at: datetime, token_id: str | None = None) -> int:
        if token_id is None:
            return self._db.run(self._sql.token_revoke_all, {"_user": user_id, "at": at})
        params = {"_user": user_id, "_token": token_id, "at": at}
        return self._db.run(self._sql.token_revoke_one, params)


def _key(row: Row) -> ApiKey:
    values = list(row)
    values[_KEY_ROLE] = Role(values[_KEY_ROLE])
    values[KEY_FIELDS.index("secret_hash")] = bytes(values[KEY_FIELDS.index("secret_hash")])
    return ApiKey(*values)


def _user(row: Row) -> User:
    values = list(row)
    values[_USER_ROLE] = Role(values[_USER_ROLE])
    return User(*values)


def _user_params(user: User) -> dict[str, Any]:
    params = {name: getattr(user, name) for name in USER_FIELDS}
    params["role"] = user.role.value
    params["name_key"] = name_key(user.name)
    params["email_key"] = None if user.email is None else name_key(user.email)
    return params
