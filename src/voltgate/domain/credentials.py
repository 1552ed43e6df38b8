"""Station passwords (OCPP security profile 1/2 HTTP Basic auth), stored as salted slow hashes.

The format is self-describing so the cost parameters can be raised later without a
migration: ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>``. Verification is constant-time.
Neither the password nor the hash is ever logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
N = 2**14
R = 8
P = 1
SALT_BYTES = 16
HASH_BYTES = 32
# scrypt needs 128 * n * r bytes; give it headroom above OpenSSL's 32 MiB default cap.
_MAXMEM = 64 * 1024 * 1024


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """Return an encoded scrypt hash of `password` with a fresh random salt.

    Args:
        password: the secret as presented by the station (HTTP Basic password).
        salt: only for reproducible tests; production always draws a random one.
    """
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = _scrypt(password, salt, N, R, P)
    return "$".join(
        (SCHEME, str(N), str(R), str(P), _b64(salt), _b64(digest)),
    )


def verify_password(password: str, encoded: str) -> bool:
    """True if `password` matches `encoded`; False for a mismatch or an unreadable hash."""
    try:
        scheme, n, r, p, salt_b64, hash_b64 = encoded.split("$")
        if scheme != SCHEME:
            return False
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(hash_b64, validate=True)
        actual = _scrypt(password, salt, int(n), int(r), int(p), dklen=len(expected))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int = HASH_BYTES) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=dklen
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
