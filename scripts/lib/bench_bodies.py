#!/usr/bin/env python3
"""Turns a flowbatch input CSV into the request bodies flowbatch sends, one per line, for the peers
of the benchmark (GNU parallel + curl, Python aiohttp), so that every client does the same work.

Output: one line per row, `SANDBOX<TAB>BODY`, BODY being the compact JSON of `POST /connections`
exactly as flowbatch's `ConnectionBody.encode` writes it: the same keys in the same order, absent
optional fields left out, the same string escapes. `--masked` writes `***` for each secret, as
`flowbatch run --dry-run` prints the bodies, so the two can be compared (see `check_against`).

Only what the benchmark's generated input needs is handled (every row valid, `auth` given or
plain from the credential columns); it is not a second validator.
"""
import argparse
import csv
import re
import sys

CONNECTION_SPEC_ID = "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62"
BASIC_SPEC_NAME = "Basic Authentication"
OAUTH_SPEC_NAME = "OAuth2 Refresh Code"

FIELDS = ["name", "description", "sandbox", "auth", "host", "username", "password",
          "authorizationTestUrl", "clientId", "clientSecret", "accessToken", "refreshToken",
          "expirationDate", "accessTokenUrl"]
_KEYS = {re.sub(r"[ _\-]", "", f).lower(): f for f in FIELDS}


def _quote(value):
    out = ['"']
    for char in value:
        code = ord(char)
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append("\\u00%02x" % code)
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _object(pairs):
    """Compact JSON object of (key, value) pairs; a None value leaves its key out."""
    parts = []
    for key, value in pairs:
        if value is None:
            continue
        parts.append(_quote(key) + ":" + (value if isinstance(value, _Raw) else _quote(value)))
    return _Raw("{" + ",".join(parts) + "}")


class _Raw(str):
    """Already-encoded JSON."""


def body(row, default_sandbox="prod", masked=False):
    """(sandbox, JSON text) of one row, a dict from field name to cell text."""
    def text(field):  # non-secret: trimmed, empty is absent
        value = (row.get(field) or "").strip()
        return value or None

    def secret(field):  # secrets are sent exactly as written
        value = row.get(field) or ""
        if not value:
            return None
        return "***" if masked else value

    auth = (text("auth") or "").lower()
    if not auth:
        auth = "basic" if (row.get("username") or row.get("password")) else "oauth2"
    if auth == "basic":
        params = _object([("host", text("host")), ("username", text("username")),
                          ("password", secret("password"))])
        auth_object = _object([("specName", BASIC_SPEC_NAME), ("params", params)])
    else:
        expiration = text("expirationDate")
        if expiration and re.match(r"^\d{4}-\d{2}-\d{2}", expiration):
            expiration = expiration[:10]
        params = _object([("host", text("host")), ("authorizationTestUrl", text("authorizationTestUrl")),
                          ("clientId", text("clientId")), ("clientSecret", secret("clientSecret")),
                          ("accessToken", secret("accessToken")), ("refreshToken", secret("refreshToken")),
                          ("expirationDate", expiration), ("accessTokenUrl", text("accessTokenUrl"))])
        auth_object = _object([("specName", OAUTH_SPEC_NAME), ("params", params)])
    spec = _object([("id", CONNECTION_SPEC_ID), ("version", "1.0")])
    document = _object([("name", text("name")), ("description", text("description")),
                        ("auth", auth_object), ("connectionSpec", spec)])
    return text("sandbox") or default_sandbox, str(document)


def rows(path):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        fields = [_KEYS.get(re.sub(r"[ _\-]", "", h).lower()) for h in header]
        for record in reader:
            if not record:
                continue
            yield {f: v for f, v in zip(fields, record) if f}


def write(input_path, out_path, limit=None, masked=False):
    count = 0
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for row in rows(input_path):
            if limit is not None and count >= limit:
                break
            sandbox, text = body(row, masked=masked)
            out.write(f"{sandbox}\t{text}\n")
            count += 1
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input")
    parser.add_argument("--out", required=True)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--masked", action="store_true")
    args = parser.parse_args()
    count = write(args.input, args.out, args.limit, args.masked)
    print(f"{count} bodies", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
