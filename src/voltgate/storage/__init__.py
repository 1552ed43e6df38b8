"""Storage: SQLAlchemy Core tables, repositories, units of work and group commit.

Storage code is synchronous over a `sqlalchemy.Connection`; `Database` runs a batch of
units in a dedicated SQLite writer thread or in an asyncpg greenlet, and `Committer` groups
waiting units into one transaction (docs/adr/0002-storage-units-of-work.md).
"""
