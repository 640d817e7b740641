#!/usr/bin/env python3
"""Checks sampled answers of a Flow Service against Adobe's OpenAPI description of it.

Sends a sample of requests (create basic and OAuth, list, get, patch, test, delete, the connection
spec, the dataflow chain: source and target connections, flows, flow specs, runs, explore, and a few
errors) to the service at --url (or to `flowbatch mock --port 0` started from
--flowbatch), and validates every answer with openapi-core against the response schemas of
flow-service.openapi.yaml (Adobe's, copied beside this script). Answers whose status the
description does not list for the operation (Adobe documents only 200/201/204, 403 and 503
there), or lists without a media type, are checked against what Adobe documents elsewhere
instead (no body for 204, the error shapes of its error catalog and troubleshooting guide), and
each line says which check it passed.

Prints one "ok: ..." line per answer and exits 0 when every answer validated, 1 otherwise.
Needs openapi-core (`pip install openapi-core`; scripts/lib/ensure-deps installs it).
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

import yaml
from jsonschema import Draft7Validator
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

GENERIC_REST_SPEC_ID = "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62"
DATA_LAKE_SPEC_ID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"
# The demo dataset and mapping set `flowbatch mock` serves by default.
DEMO_DATASET = "6390f5b3e1e7ee1c07d1f3d1"
DEMO_MAPPING_SET = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
FLOW_SERVICE_PATH = "/data/foundation/flowservice"
HERE = os.path.dirname(os.path.abspath(__file__))

# Error bodies as Adobe documents them outside the OpenAPI file: Flow Service's problem documents
# (flow-service-errors.md), the gateway's {"error_code", "message"} and its BadRequestError for a
# wrong Content-Type (Platform's troubleshooting guide).
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "report"],
    "properties": {
        "type": {"type": "string", "pattern": "/(FLOW|MOCK)-[0-9]{4}-[0-9]{3}$"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "report": {
            "type": "object",
            "required": ["detailed-message", "request-id"],
            "properties": {"detailed-message": {"type": "string"}, "request-id": {"type": "string"}},
        },
        "errorMessage": {"type": "string"},
        "errorDetails": {"type": "string"},
    },
}
GATEWAY_SCHEMA = {
    "type": "object",
    "required": ["error_code", "message"],
    "properties": {"error_code": {"type": "string"}, "message": {"type": "string"}},
}
# The explore preview of a REST source, as Adobe's Sources SDK documents its explore `responseSpec`
# (sources/sdk/config/explorespec.md); the OpenAPI file describes explore's answer only as the
# listing of a file-based source (an array), so a preview is checked against this instead.
PREVIEW_SCHEMA = {
    "type": "object",
    "required": ["format", "schema", "data"],
    "properties": {
        "format": {"type": "string"},
        "schema": {
            "type": "object",
            "properties": {
                "columns": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"name": {"type": "string"}, "type": {"type": "string"}}},
                }
            },
        },
        "data": {"type": "array", "items": {"type": "object"}},
    },
}
# Catalog's dataset and Data Prep's mapping set are not in the Flow Service OpenAPI file; their
# shapes as flow-service-api.md gives them from Adobe's Catalog and Data Prep pages.
DATASET_SCHEMA = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": {
        "type": "object",
        "required": ["schemaRef"],
        "properties": {
            "schemaRef": {
                "type": "object",
                "required": ["id", "contentType"],
                "properties": {"id": {"type": "string"}, "contentType": {"type": "string"}},
            }
        },
    },
}
MAPPING_SET_SCHEMA = {
    "type": "object",
    "required": ["id", "version"],
    "properties": {"id": {"type": "string"}, "version": {"type": "integer"}},
}
BAD_REQUEST_SCHEMA = {
    "type": "object",
    "required": ["type", "status", "title", "detail"],
    "properties": {"title": {"const": "BadRequestError"}, "status": {"const": 400}, "detail": {"type": "string"}},
}


class Request:
    """A request as openapi-core reads it (its Request protocol)."""

    def __init__(self, host_url, path, method, headers, query, body, content_type):
        self.host_url = host_url
        self.path = path
        self.method = method.lower()
        self.body = body
        self.content_type = content_type or ""
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query), header=Headers(headers), cookie=ImmutableMultiDict()
        )


class Response:
    """An answer as openapi-core reads it (its Response protocol)."""

    def __init__(self, status, headers, data):
        self.status_code = status
        self.headers = Headers(list(headers.items()))
        self.content_type = headers.get("Content-Type", "") or ""
        self.data = data


class Checker:
    def __init__(self, api, spec, base_url, headers):
        self.api = api
        self.base_url = base_url.rstrip("/")
        self.headers = headers
        self.failures = []
        # (method, path template) -> {status: whether the description gives it a media type}
        self.documented = {}
        for path, item in spec["paths"].items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "responses" in operation:
                    self.documented[(method, path)] = {
                        status: bool(response.get("content")) for status, response in operation["responses"].items()
                    }

    def send(
        self, label, method, path, template, query=(), body=None, headers=None, content_type="application/json",
        base=FLOW_SERVICE_PATH, schema=None,
    ):
        """Sends one request below `base` (the Flow Service path) and validates its answer; `schema`
        checks a 200 whose shape the OpenAPI file does not describe (explore's preview, Catalog, Data Prep)."""
        sent_headers = dict(self.headers if headers is None else headers)
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            if content_type:
                sent_headers["Content-Type"] = content_type
        url = self.base_url + base + path
        if query:
            url += "?" + urllib.parse.urlencode(list(query))
        request = urllib.request.Request(url, data=data, headers=sent_headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, answer_headers, raw = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, raw = error.code, error.headers, error.read()
        if schema is not None and status == 200:
            self.validate_own(label, status, answer_headers, raw, schema)
        else:
            self.validate(label, method, path, template, query, data, sent_headers, status, answer_headers, raw)
        try:
            return status, (json.loads(raw) if raw else None)
        except ValueError:
            return status, raw

    def validate_own(self, label, status, answer_headers, raw, schema):
        try:
            if not answer_headers.get("Content-Type", "").startswith("application/json"):
                raise ValueError(f"content type {answer_headers.get('Content-Type')!r}, not application/json")
            errors = [error.message for error in Draft7Validator(schema).iter_errors(json.loads(raw))]
            if errors:
                raise ValueError("; ".join(errors))
        except Exception as error:
            self.failures.append(label)
            print(f"FAILED: {label}: HTTP {status}: {type(error).__name__}: {error}", flush=True)
            return
        print(f"ok: {label}: HTTP {status} matches the shape Adobe documents outside the OpenAPI file", flush=True)

    def validate(self, label, method, path, template, query, data, headers, status, answer_headers, raw):
        documented = self.documented.get((method.lower(), template), {})
        try:
            if documented.get(str(status)):
                request = Request(
                    self.base_url, FLOW_SERVICE_PATH + path, method, headers, query, data, headers.get("Content-Type")
                )
                self.api.validate_response(request, Response(status, answer_headers, raw))
                how = "validates against the OpenAPI description"
            elif str(status) in documented and not raw:
                # Adobe's file (converted from Swagger 2.0) writes `content: {}` for answers without
                # a body; openapi-core would demand a body of no media type, so this is checked here.
                if status != 204 and status < 400:
                    raise ValueError("an empty body where the description expects one")
                how = "documented without a body, and has none"
            else:
                # Documented with `content: {}` (the 403 and 503 of every operation) or not at all:
                # Adobe's gateway and Flow Service do send bodies then, in the shapes they document.
                body = json.loads(raw)
                schema = PROBLEM_SCHEMA
                if "error_code" in body:
                    schema = GATEWAY_SCHEMA
                elif body.get("title") == "BadRequestError" and "detail" in body:
                    schema = BAD_REQUEST_SCHEMA
                errors = [error.message for error in Draft7Validator(schema).iter_errors(body)]
                if errors:
                    raise ValueError("; ".join(errors))
                listed = "listed without a body" if str(status) in documented else "not listed"
                how = f"status {listed} in the OpenAPI description; matches Adobe's documented error shape"
        except Exception as error:  # every kind of failure is reported, none stops the check
            self.failures.append(label)
            print(f"FAILED: {label}: HTTP {status}: {type(error).__name__}: {error}", flush=True)
            for detail in getattr(error, "schema_errors", None) or []:
                print(f"    {detail.message}", flush=True)
            return
        print(f"ok: {label}: HTTP {status} {how}", flush=True)


def get_token(base_url, client_id, client_secret):
    form = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret, "scope": "openid"}
    ).encode()
    request = urllib.request.Request(
        base_url.rstrip("/") + "/ims/token/v3",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())["access_token"]


def load_api(spec_path, base_url):
    with open(spec_path, encoding="utf-8") as file:
        spec = yaml.safe_load(file)
    # The description's server is //{environment}.adobe.io/data/foundation/flowservice; the sample
    # goes to the service under test, so only the server changes, not one path or schema.
    spec["servers"] = [{"url": base_url.rstrip("/") + FLOW_SERVICE_PATH}]
    return OpenAPI.from_dict(spec), spec


def run(checker):
    run_id = uuid.uuid4().hex[:8]
    spec_path = f"/connectionSpecs/{GENERIC_REST_SPEC_ID}"
    status, body = checker.send("the generic REST connection spec", "GET", spec_path, "/connectionSpecs/{CONNECTION_SPEC_ID}")
    names = [auth["name"] for auth in body["items"][0]["authSpec"]] if status == 200 else []
    oauth_name = next((name for name in names if name.lower().replace(" ", "") == "oauth2refreshcode"), "OAuth2 Refresh Code")
    checker.send("an unknown connection spec", "GET", "/connectionSpecs/00000000-0000-0000-0000-000000000000", "/connectionSpecs/{CONNECTION_SPEC_ID}")

    connection = {"id": GENERIC_REST_SPEC_ID, "version": "1.0"}
    basic = {
        "name": f"openapi check {run_id} (basic)",
        "description": "made by openapi_check.py",
        "auth": {"specName": "Basic Authentication", "params": {"host": "https://api.acme.example", "username": "u", "password": "p"}},
        "connectionSpec": connection,
    }
    status, created = checker.send("create a basic connection", "POST", "/connections", "/connections", body=basic)
    oauth = {
        "name": f"openapi check {run_id} (oauth)",
        "auth": {
            "specName": oauth_name,
            "params": {"host": "https://api.acme.example", "accessToken": "a", "expirationDate": "2027-03-31"},
        },
        "connectionSpec": connection,
    }
    checker.send("create an OAuth 2 refresh-code connection", "POST", "/connections", "/connections", body=oauth)
    checker.send("list by name", "GET", "/connections", "/connections", query=[("property", f"name=={basic['name']}")])
    checker.send("a page of one", "GET", "/connections", "/connections", query=[("limit", "1")])
    checker.send("count", "GET", "/connections", "/connections", query=[("count", "true")])
    if status == 201 and isinstance(created, dict) and "id" in created:
        check_one_connection(checker, created["id"], created["etag"])

    no_token = {name: value for name, value in checker.headers.items() if name != "Authorization"}
    checker.send("list without a token", "GET", "/connections", "/connections", headers=no_token)
    checker.send("create without a token", "POST", "/connections", "/connections", body=basic, headers=no_token)
    checker.send("create with a text/plain body", "POST", "/connections", "/connections", body=basic, content_type="text/plain")
    broken = {**basic, "auth": {"specName": "Basic Authentication", "params": {"host": "https://h.example"}}}
    checker.send("create without a password", "POST", "/connections", "/connections", body=broken)
    checker.send("create with an unknown auth spec name", "POST", "/connections", "/connections", body={**basic, "auth": {**basic["auth"], "specName": "Token"}})
    checker.send("count with limit", "GET", "/connections", "/connections", query=[("count", "true"), ("limit", "2")])
    other = {**checker.headers, "x-sandbox-name": f"missing-{run_id}"}
    checker.send("list in a sandbox that does not exist", "GET", "/connections", "/connections", headers=other)
    run_chain(checker, run_id, basic)


def run_chain(checker, run_id, basic):
    """The dataflow chain: specs, a base connection, source and target connections, a flow, its runs,
    explore, the dataset and mapping set, the documented filters, and undo in reverse order."""
    status, body = checker.send("the flow spec by name", "GET", "/flowSpecs", "/flowSpecs", query=[("property", "name==RestStorageToAEP")])
    flow_spec = body["items"][0]["id"] if status == 200 and isinstance(body, dict) and body.get("items") else "6499120c-0b15-42dc-936e-847ea3c24d72"
    checker.send("the flow spec by id", "GET", f"/flowSpecs/{flow_spec}", "/flowSpecs/{FLOW_SPEC_ID}")
    status, body = checker.send("the default dataset", "GET", f"/catalog/dataSets/{DEMO_DATASET}", None, base="/data/foundation", schema=DATASET_SCHEMA)
    schema_id = body[DEMO_DATASET]["schemaRef"]["id"] if status == 200 and isinstance(body, dict) and DEMO_DATASET in body else ""
    checker.send("the default mapping set", "GET", f"/conversion/mappingSets/{DEMO_MAPPING_SET}", None, base="/data/foundation", schema=MAPPING_SET_SCHEMA)
    status, base = checker.send("create the chain's base connection", "POST", "/connections", "/connections", body={**basic, "name": f"chain {run_id}"})
    if status != 201 or not isinstance(base, dict) or "id" not in base:
        return
    base_id = base["id"]
    params = {"urlParams": {"path": "/v1/customers", "method": "GET"}}
    source = {
        "name": f"chain {run_id} source", "baseConnectionId": base_id, "data": {"format": "json"}, "params": params,
        "connectionSpec": {"id": GENERIC_REST_SPEC_ID, "version": "1.0"},
    }
    status, created = checker.send("create a source connection", "POST", "/sourceConnections", "/sourceConnections", body=source)
    source_id = created["id"] if status == 201 and isinstance(created, dict) and "id" in created else "none"
    target = {
        "name": f"chain {run_id} target",
        "connectionSpec": {"id": DATA_LAKE_SPEC_ID, "version": "1.0"},
        "data": {"format": "parquet_xdm", "schema": {"id": schema_id, "version": "application/vnd.adobe.xed-full+json;version=1"}},
        "params": {"dataSetId": DEMO_DATASET},
    }
    status, created = checker.send("create a target connection", "POST", "/targetConnections", "/targetConnections", body=target)
    target_id = created["id"] if status == 201 and isinstance(created, dict) and "id" in created else "none"
    flow = {
        "name": f"chain {run_id}", "flowSpec": {"id": flow_spec, "version": "1.0"},
        "sourceConnectionIds": [source_id], "targetConnectionIds": [target_id],
        "transformations": [{"name": "Mapping", "params": {"mappingId": DEMO_MAPPING_SET, "mappingVersion": "0"}}],
        "scheduleParams": {"startTime": 1700000000, "frequency": "hour", "interval": 1},
    }
    status, created = checker.send("create a flow", "POST", "/flows", "/flows", body=flow)
    flow_id = created["id"] if status == 201 and isinstance(created, dict) and "id" in created else "none"
    checker.send("get the source connection", "GET", f"/sourceConnections/{source_id}", "/sourceConnections/{SOURCE_CONNECTION_ID}")
    checker.send("get the target connection", "GET", f"/targetConnections/{target_id}", "/targetConnections/{TARGET_CONNECTION_ID}")
    checker.send("get the flow", "GET", f"/flows/{flow_id}", "/flows/{FLOW_ID}")
    checker.send("source connections by base connection", "GET", "/sourceConnections", "/sourceConnections", query=[("property", f"baseConnectionId=={base_id}")])
    checker.send("target connections by name", "GET", "/targetConnections", "/targetConnections", query=[("property", f"name=={target['name']}")])
    checker.send("flows by source connection", "GET", "/flows", "/flows", query=[("property", f"sourceConnectionIds=={source_id}")])
    checker.send("a page of one flow", "GET", "/flows", "/flows", query=[("limit", "1")])
    checker.send("the flow's runs", "GET", "/runs", "/runs", query=[("property", f"flowId=={flow_id}")])
    preview = [("objectType", "rest"), ("object", "json"), ("fileType", "json"), ("preview", "true"),
               ("sourceParams", base64.b64encode(json.dumps(params).encode()).decode())]
    checker.send("explore a preview", "GET", f"/connections/{base_id}/explore", "/connections/{BASE_CONNECTION_ID}/explore", query=preview, schema=PREVIEW_SCHEMA)
    checker.send("explore without sourceParams", "GET", f"/connections/{base_id}/explore", "/connections/{BASE_CONNECTION_ID}/explore", query=preview[:4])
    checker.send("a source connection without params", "POST", "/sourceConnections", "/sourceConnections", body={**source, "params": {}})
    checker.send("an unknown dataset", "GET", "/catalog/dataSets/nope", None, base="/data/foundation", schema=DATASET_SCHEMA)
    checker.send("delete a base connection still used", "DELETE", f"/connections/{base_id}/", "/connections/{BASE_CONNECTION_ID}/")
    checker.send("delete a source connection a flow uses", "DELETE", f"/sourceConnections/{source_id}", "/sourceConnections/{SOURCE_CONNECTION_ID}")
    checker.send("delete the flow", "DELETE", f"/flows/{flow_id}", "/flows/{FLOW_ID}")
    checker.send("delete the target connection", "DELETE", f"/targetConnections/{target_id}", "/targetConnections/{TARGET_CONNECTION_ID}")
    checker.send("delete the source connection", "DELETE", f"/sourceConnections/{source_id}", "/sourceConnections/{SOURCE_CONNECTION_ID}")
    checker.send("delete the chain's base connection", "DELETE", f"/connections/{base_id}/", "/connections/{BASE_CONNECTION_ID}/")


def check_one_connection(checker, connection_id, etag):
    """Get, test, patch (also stale and without If-Match) and delete one connection."""
    item_path = f"/connections/{connection_id}"
    checker.send("get by id", "GET", item_path, "/connections/{BASE_CONNECTION_ID}")
    checker.send("test", "GET", item_path + "/test", "/connections/{BASE_CONNECTION_ID}/test")
    patch = [{"op": "replace", "path": "/auth/params", "value": {"host": "https://moved.acme.example", "username": "u", "password": "p2"}}]
    # The description puts PATCH and DELETE on /connections/{BASE_CONNECTION_ID}/ (with the slash).
    patched_path = item_path + "/"
    checker.send(
        "patch the auth params",
        "PATCH",
        patched_path,
        "/connections/{BASE_CONNECTION_ID}/",
        body=patch,
        headers={**checker.headers, "If-Match": etag},
    )
    checker.send(
        "patch with a stale etag",
        "PATCH",
        patched_path,
        "/connections/{BASE_CONNECTION_ID}/",
        body=patch,
        headers={**checker.headers, "If-Match": etag},
    )
    checker.send("patch without If-Match", "PATCH", patched_path, "/connections/{BASE_CONNECTION_ID}/", body=patch)
    checker.send("delete", "DELETE", patched_path, "/connections/{BASE_CONNECTION_ID}/")
    checker.send("get a deleted connection", "GET", item_path, "/connections/{BASE_CONNECTION_ID}")


def start_mock(flowbatch):
    process = subprocess.Popen([flowbatch, "mock", "--port", "0"], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("listening on "):
        process.kill()
        raise SystemExit(f"flowbatch mock did not start: {line!r}")
    return process, line.removeprefix("listening on ").strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="base URL of the service (IMS at /ims/token/v3 below it)")
    target.add_argument("--flowbatch", help="a flowbatch binary whose `mock` to start and check")
    parser.add_argument("--spec", default=os.path.join(HERE, "flow-service.openapi.yaml"))
    parser.add_argument("--client-id", default="flowbatch-demo")
    parser.add_argument("--client-secret", default="flowbatch-demo-secret")
    parser.add_argument("--org-id", default="DEMO0000000000000000@AdobeOrg")
    parser.add_argument("--sandbox", default="prod")
    args = parser.parse_args()
    process = None
    url = args.url
    if args.flowbatch:
        process, url = start_mock(args.flowbatch)
    try:
        api, spec = load_api(args.spec, url)
        token = get_token(url, args.client_id, args.client_secret)
        headers = {
            "Authorization": f"Bearer {token}",
            "x-api-key": args.client_id,
            "x-gw-ims-org-id": args.org_id,
            "x-sandbox-name": args.sandbox,
        }
        checker = Checker(api, spec, url, headers)
        run(checker)
    finally:
        if process:
            process.terminate()
            process.wait()
    if checker.failures:
        print(f"{len(checker.failures)} answers did not validate", flush=True)
        return 1
    print("all answers validated", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
