#!/usr/bin/env python3
"""Generates a realistic flowbatch input CSV: mixed basic and OAuth 2 rows, unique names, placeholder
secrets, every row valid.

Shapes:
  bench      11 columns, quoted values with commas and doubled quotes; about 150 bytes a row.
  described  13 columns, every description a quoted sentence holding several commas (as a
             spreadsheet export writes them); about 300 bytes a row.
  chain      bench's columns and the mock's source params (urlParams.path, urlParams.method), for
             `run --through source|flow`.

`--prefix` starts every name (default `Source`), so that two files never share a name."""
import argparse
import csv
import sys

TEAMS = ["data-eng", "finance-ops", "cx-team", "growth", "supply-chain", "web-team"]
REGIONS = ["EMEA", "North America", "APAC", "LATAM"]


def bench_rows(count, prefix):
    yield ["name", "description", "sandbox", "auth", "host", "username", "password",
           "accessToken", "refreshToken", "expirationDate", "owner"]
    for index in range(count):
        name = f"{prefix} {index:07d}"
        team = TEAMS[index % len(TEAMS)]
        if index % 2 == 0:
            yield [name, f"Orders, returns and \"refunds\" #{index}", "", "basic",
                   f"https://api{index % 97}.example.com/v1", f"svc-{index}", f"pw-{index:09d}-x",
                   "", "", "", team]
        else:
            yield [name, f"Events feed {index}", "", "oauth2",
                   f"https://events{index % 89}.example.com/api", "", "",
                   f"at-{index:012d}-token", f"rt-{index:010d}", "2027-12-31", team]


def described_rows(count, prefix):
    yield ["name", "description", "sandbox", "auth", "host", "username", "password", "clientId",
           "clientSecret", "accessToken", "refreshToken", "expirationDate", "owner"]
    for index in range(count):
        name = f"{prefix} {index:07d}"
        team = TEAMS[index % len(TEAMS)]
        region = REGIONS[index % len(REGIONS)]
        if index % 2 == 0:
            description = (f"Nightly export of orders, returns, refunds and credit notes for {region}, "
                           f"owned by {team}, ticket ONB-{index}, reviewed by security, legal and finance")
            yield [name, description, "", "basic", f"https://api{index % 97}.example.com/v1", f"svc-{index}",
                   f"pw-{index:09d}-x", "", "", "", "", "", team]
        else:
            description = (f"Clickstream events, sessions and page views for {region}, refreshed hourly, "
                           f"kept 30 days, ticket ONB-{index}, contact {team}, see the runbook, section 4")
            yield [name, description, "", "oauth2", f"https://events{index % 89}.example.com/api", "", "",
                   f"client-{index % 13}", f"cs-{index:08d}", f"at-{index:012d}-token", f"rt-{index:010d}",
                   "2027-12-31", team]


def chain_rows(count, prefix):
    rows = bench_rows(count, prefix)
    yield next(rows) + ["urlParams.path", "urlParams.method"]
    for index, row in enumerate(rows):
        yield row + [f"/v1/items/{index % 7}", "GET" if index % 3 else "POST"]


SHAPES = {"bench": bench_rows, "described": described_rows, "chain": chain_rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="bench")
    parser.add_argument("--prefix", default="Source")
    args = parser.parse_args()
    with open(args.out, "w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(SHAPES[args.shape](args.rows, args.prefix))


if __name__ == "__main__":
    sys.exit(main())
