"""Service tests run over real storage: reuse the storage fixtures."""

from tests.storage.conftest import batches, clock, committer, db, services

__all__ = ["batches", "clock", "committer", "db", "services"]
