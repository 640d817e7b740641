#!/usr/bin/env bash
# The shell peer: what a shell user writes to create one connection per row. GNU parallel runs
# one curl per row, N at a time, with the same headers and body as flowbatch; no retries.
# Bodies come pre-built, one `SANDBOX<TAB>JSON` line per row (bench_bodies.py). Credentials come
# from the environment as for flowbatch: AEP_ACCESS_TOKEN, AEP_API_KEY, AEP_ORG_ID.
# Usage: parallel_curl.sh ENDPOINT BODIES N      prints `status count` lines on stdout
set -euo pipefail
endpoint="${1%/}" bodies="$2" jobs="$3"

parallel --will-cite -q -j "$jobs" --colsep '\t' \
    curl -sS -o /dev/null -w '%{http_code}\n' -X POST "$endpoint/connections" \
    -H "Authorization: Bearer $AEP_ACCESS_TOKEN" \
    -H "x-api-key: $AEP_API_KEY" \
    -H "x-gw-ims-org-id: $AEP_ORG_ID" \
    -H "x-sandbox-name: {1}" \
    -H "Accept: application/json" \
    -H "Content-Type: application/json" \
    --data-binary {2} \
    :::: "$bodies" | sort | uniq -c | awk '{print $2, $1}'
