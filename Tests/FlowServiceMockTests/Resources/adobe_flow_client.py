#!/usr/bin/env python3
"""A plain Flow Service client, written from Adobe's documentation for the real service.

It gets an access token from Adobe IMS (OAuth server-to-server), creates generic REST API base
connections (Basic Authentication and OAuth 2 refresh code), looks one up by name, pages through
the generic REST connections with `limit` and `_links.next.href`, reads one by ID, tests it and
deletes it. Only the standard library is used. Nothing in it knows about the mock: point it at
Adobe with the default URLs and real credentials, or at the mock with --ims-url/--platform-url.

Prints one "check: ..." line per step and exits 0 when every step behaved as documented.
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

GENERIC_REST_SPEC_ID = "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62"
FLOW_SERVICE_PATH = "/data/foundation/flowservice"
DEFAULT_SCOPES = "openid,AdobeID,read_organizations,additional_info.projectedProductContext,session"


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)
    print(f"check: {message}", flush=True)


def call(method, url, headers=None, body=None, form=None):
    """Sends one request; returns (status, headers, parsed JSON or raw text or None)."""
    data = None
    headers = dict(headers or {})
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, error.headers, error.read()
    if not raw:
        return status, answer_headers, None
    try:
        return status, answer_headers, json.loads(raw)
    except ValueError:
        return status, answer_headers, raw.decode(errors="replace")


class FlowService:
    def __init__(self, platform_url, api_key, org_id, sandbox, token):
        self.base = platform_url.rstrip("/") + FLOW_SERVICE_PATH
        self.headers = {
            "Authorization": f"Bearer {token}",
            "x-api-key": api_key,
            "x-gw-ims-org-id": org_id,
            "x-sandbox-name": sandbox,
        }

    def create_connection(self, body):
        return call("POST", f"{self.base}/connections", self.headers, body=body)

    def list_connections(self, **params):
        query = urllib.parse.urlencode(params)
        return call("GET", f"{self.base}/connections?{query}", self.headers)

    def follow(self, href):
        return call("GET", f"{self.base}{href}", self.headers)

    def get_connection(self, connection_id):
        return call("GET", f"{self.base}/connections/{connection_id}", self.headers)

    def test_connection(self, connection_id):
        return call("GET", f"{self.base}/connections/{connection_id}/test", self.headers)

    def delete_connection(self, connection_id):
        return call("DELETE", f"{self.base}/connections/{connection_id}", self.headers)


def get_token(ims_url, client_id, client_secret, scopes):
    status, _, body = call(
        "POST",
        ims_url.rstrip("/") + "/ims/token/v3",
        form={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "scope": scopes,
        },
    )
    check(status == 200, "IMS issued an access token")
    check(body.get("token_type") == "bearer" and body.get("expires_in", 0) > 0, "the token is a bearer token that expires")
    return body["access_token"]


def basic_body(name, password):
    return {
        "name": name,
        "description": "created by adobe_flow_client.py",
        "auth": {
            "specName": "Basic Authentication",
            "params": {"host": "https://api.acme.example", "username": "svc-user", "password": password},
        },
        "connectionSpec": {"id": GENERIC_REST_SPEC_ID, "version": "1.0"},
    }


def oauth_body(name, access_token, client_secret):
    return {
        "name": name,
        "description": "created by adobe_flow_client.py",
        "auth": {
            "specName": "oAuth2RefreshCode",
            "params": {
                "host": "https://api.acme.example",
                "accessToken": access_token,
                "clientId": "acme-client",
                "clientSecret": client_secret,
                "expirationDate": "2027-03-31",
                "accessTokenUrl": "https://auth.acme.example/oauth/token",
            },
        },
        "connectionSpec": {"id": GENERIC_REST_SPEC_ID, "version": "1.0"},
    }


def run(args):
    token = get_token(args.ims_url, args.client_id, args.client_secret, args.scopes)
    flow = FlowService(args.platform_url, args.client_id, args.org_id, args.sandbox, token)
    run_id = uuid.uuid4().hex[:8]
    secrets = [f"pw-{run_id}", f"at-{run_id}", f"cs-{run_id}"]

    status, headers, body = flow.create_connection(basic_body(f"Acme CRM {run_id} (basic)", secrets[0]))
    check(status == 201, f"basic connection created (HTTP {status})")
    check(headers.get("Location"), "the create answer has a Location header")
    basic_id = body["id"]
    check(body["etag"].startswith('"') and body["etag"].endswith('"'), "the etag is a quoted string")

    status, _, body = flow.create_connection(oauth_body(f"Acme CRM {run_id} (oauth)", secrets[1], secrets[2]))
    check(status == 201, f"OAuth connection created (HTTP {status})")
    oauth_id = body["id"]

    for index in range(3):
        status, _, _ = flow.create_connection(basic_body(f"Acme extra {run_id} {index}", secrets[0]))
        check(status == 201, f"extra connection {index} created")

    status, _, body = flow.list_connections(property=f"name==Acme CRM {run_id} (basic)")
    check(status == 200 and [item["id"] for item in body["items"]] == [basic_id], "filter by name finds exactly it")

    seen = []
    pages = 0
    status, _, body = flow.list_connections(limit=2, property=f"connectionSpec.id=={GENERIC_REST_SPEC_ID}")
    while True:
        check(status == 200, f"page {pages + 1} answered")
        pages += 1
        seen.extend(item["id"] for item in body["items"])
        href = body.get("_links", {}).get("next", {}).get("href")
        if not href:
            break
        status, _, body = flow.follow(href)
    check(basic_id in seen and oauth_id in seen, f"paging with limit=2 visited every connection ({pages} pages)")
    check(len(seen) == len(set(seen)), "paging returned no connection twice")

    status, _, body = flow.get_connection(oauth_id)
    check(status == 200 and len(body["items"]) == 1, "get by id answers one item")
    item = body["items"][0]
    check(item["auth"]["specName"] == "oAuth2RefreshCode", "the item shows the auth spec name")
    check(item["connectionSpec"]["id"] == GENERIC_REST_SPEC_ID, "the item shows the connection spec")
    rendered = json.dumps(body)
    check(not any(secret in rendered for secret in secrets), "no secret value is shown")

    status, _, body = flow.test_connection(basic_id)
    check(status == 200 and body.get("result") is True, "the connectivity test passes")

    status, _, body = flow.delete_connection(basic_id)
    check(status == 204 and body is None, "delete answers 204 with no body")
    status, _, body = flow.get_connection(basic_id)
    check(status == 404 and "FLOW-" in body.get("type", ""), "a deleted connection answers 404 with a Flow Service error")

    status, _, body = flow.create_connection({"name": "broken", "connectionSpec": {"id": "not-a-spec"}})
    check(status == 400 and body["report"]["request-id"], "a bad create answers 400 with a request id")
    print("all checks passed", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ims-url", default=os.environ.get("AEP_IMS_URL", "https://ims-na1.adobelogin.com"))
    parser.add_argument("--platform-url", default=os.environ.get("AEP_PLATFORM_URL", "https://platform.adobe.io"))
    parser.add_argument("--client-id", default=os.environ.get("AEP_CLIENT_ID"))
    parser.add_argument("--client-secret", default=os.environ.get("AEP_CLIENT_SECRET"))
    parser.add_argument("--org-id", default=os.environ.get("AEP_ORG_ID"))
    parser.add_argument("--sandbox", default=os.environ.get("AEP_SANDBOX", "prod"))
    parser.add_argument("--scopes", default=os.environ.get("AEP_SCOPES", DEFAULT_SCOPES))
    args = parser.parse_args()
    if not (args.client_id and args.client_secret and args.org_id):
        parser.error("client id, client secret and org id are required (flags or AEP_* variables)")
    try:
        run(args)
    except (CheckFailed, KeyError, TypeError, AttributeError) as failure:
        print(f"FAILED: {failure!r}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
