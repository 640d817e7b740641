#!/usr/bin/env python3
"""Generates a realistic flowbatch input CSV: mixed basic and OAuth 2 rows with quoted values
(commas, doubled quotes), unique names, and placeholder secrets. About 150 bytes per row."""
import argparse
import csv
import sys


def rows(count):
    teams = ["data-eng", "finance-ops", "cx-team", "growth", "supply-chain", "web-team"]
    for index in range(count):
        name = f"Source {index:07d}"
        team = teams[index % len(teams)]
        if index % 2 == 0:
            yield [name, f"Orders, returns and \"refunds\" #{index}", "", "basic",
                   f"https://api{index % 97}.example.com/v1", f"svc-{index}", f"pw-{index:09d}-x",
                   "", "", "", team]
        else:
            yield [name, f"Events feed {index}", "", "oauth2",
                   f"https://events{index % 89}.example.com/api", "", "",
                   f"at-{index:012d}-token", f"rt-{index:010d}", "2027-12-31", team]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.out, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "description", "sandbox", "auth", "host", "username", "password",
                         "accessToken", "refreshToken", "expirationDate", "owner"])
        writer.writerows(rows(args.rows))


if __name__ == "__main__":
    sys.exit(main())
