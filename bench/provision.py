"""Provision many idTags in a Voltgate database at once (the benchmark needs thousands).

`voltgate token add` handles one tag per process start; the benchmark's 2,000+ tags would take
minutes that way. This script goes through the same domain service in one process, reading the
tags from stdin, one per line:

    printf 'TAG-1\nTAG-2\n' | python bench/provision.py --database-url sqlite:///voltgate.db
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from voltgate.app import open_services
from voltgate.config import Settings


async def provision(database_url: str, tags: list[str]) -> None:
    """Add every tag as Accepted (migrating the database first, as the CLI does)."""
    async with open_services(Settings(database_url=database_url)) as (_, _, services):
        await asyncio.gather(*(services.authorization.add_token(tag) for tag in tags))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="Voltgate storage URL")
    args = parser.parse_args()
    tags = [line.strip() for line in sys.stdin if line.strip()]
    asyncio.run(provision(args.database_url, tags))
    print(f"provisioned {len(tags)} idTags")


if __name__ == "__main__":
    main()
