#!/usr/bin/env python3
"""The Python peer: what a competent Python user writes to create one connection per row.

asyncio + aiohttp, one ClientSession for the whole run whose connection pool holds N connections
(`TCPConnector(limit=N)`, reused), at most N requests in flight (a semaphore of N), one POST per
row with the same headers and body as flowbatch, no retries, the answer read and counted.
Bodies come pre-built, one `SANDBOX<TAB>JSON` line per row (bench_bodies.py).
Credentials come from the environment as for flowbatch: AEP_ACCESS_TOKEN, AEP_API_KEY, AEP_ORG_ID.

Usage: aiohttp_post.py ENDPOINT BODIES N      prints `status count` lines on stdout
"""
import asyncio
import collections
import os
import sys

import aiohttp


async def main(endpoint, bodies_path, limit):
    with open(bodies_path, "rb") as handle:
        rows = [line.rstrip(b"\n").split(b"\t", 1) for line in handle if line.strip()]
    base = {
        "Authorization": "Bearer " + os.environ["AEP_ACCESS_TOKEN"],
        "x-api-key": os.environ["AEP_API_KEY"],
        "x-gw-ims-org-id": os.environ["AEP_ORG_ID"],
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    url = endpoint.rstrip("/") + "/connections"
    statuses = collections.Counter()
    semaphore = asyncio.Semaphore(limit)

    async def post(session, sandbox, body):
        async with semaphore:
            try:
                async with session.post(url, data=body, headers={**base, "x-sandbox-name": sandbox.decode()}) as answer:
                    await answer.read()
                    statuses[answer.status] += 1
            except aiohttp.ClientError as error:
                statuses[type(error).__name__] += 1

    connector = aiohttp.TCPConnector(limit=limit)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(post(session, sandbox, body) for sandbox, body in rows))
    for status, count in sorted(statuses.items(), key=str):
        print(status, count)
    return 0 if set(statuses) <= {201} else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
