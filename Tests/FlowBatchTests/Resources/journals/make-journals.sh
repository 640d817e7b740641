#!/usr/bin/env bash
# How the journals beside this script were written: by flowbatch as of commit 37ed921 (its debug
# build, before journal events became an enum), against its mock, so that a test can prove that a
# journal of that version resumes with this one. Usage: make-journals.sh PATH/TO/flowbatch.
# A run, an update run (--if-exists update, one password rotated), a run stopped by SIGTERM (rows
# written ahead but never sent: unsent), a run killed with -9 (attempts without an answer), then
# `test` and `undo`. run.journal is r.csv.journal before test and undo; undo.journal is what undo
# appended to it (r.undo.csv.journal, the same lines); test.journal is r.test.csv.journal.
set -euo pipefail
BIN=$(realpath "$1")
OUT=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d)
mkdir -p $D/config; cd $D
export XDG_CONFIG_HOME=$D/config AEP_CLIENT_ID=flowbatch-demo AEP_CLIENT_SECRET=flowbatch-demo-secret AEP_ORG_ID=DEMO0000000000000000@AdobeOrg
$BIN mock --port 0 --latency 300ms > mock.out 2> mock.err &
MOCK=$!
trap 'kill $MOCK' EXIT
for _ in $(seq 100); do grep -q listening mock.out && break; sleep 0.1; done
BASE=$(sed -n 's/listening on //p' mock.out)
run() { $BIN run "$@" --endpoint "$BASE/data/foundation/flowservice" --ims-url "$BASE" --progress none; }
H='name,sandbox,auth,description,host,username,password,accessToken,refreshToken,authorizationTestUrl'
printf '%s\nTaken Four,prod,basic,,https://t4.example.com,u4,pw4-S3CRET,,,\n' "$H" > pre.csv
run pre.csv --out pre.results.csv || true
rows() {
cat <<ROWS
$H
Basic One,prod,basic,first,https://b1.example.com,u1,$1,,,
OAuth Two,prod,oauth2,$2,https://o2.example.com,,,at2-S3CRET,rt2-S3CRET,
Dev Three,dev,basic,,https://d3.example.com,u3,pw3-S3CRET,,,
Taken Four,prod,basic,,https://t4.example.com,u4,pw4-S3CRET,,,
Bad Five,prod,basic,,not-a-url,u5,pw5-S3CRET,,,
Refused Six,prod,oauth2,,https://r6.example.com,,,at6-S3CRET,,https://auth.unreachable.invalid/me
"Ünïcode ""Seven"" / 東京",prod,basic,"tab	and \\ back",https://u7.example.com,u7,pw7-S3CRET,,,
ROWS
}
rows pw1-S3CRET second > in.csv
run in.csv --out r.csv || true
rows pw1-ROTATED-S3CRET changed > in.csv
run in.csv --out r.csv --if-exists update || true
rows pw1-ROTATED-S3CRET changed > in.csv
for i in $(seq 8 40); do echo "Bulk $i,prod,basic,,https://b$i.example.com,u$i,pwb$i-S3CRET,,," >> in.csv; done
# Ctrl-C: the batch written ahead but not sent is journaled as unsent.
$BIN run in.csv --out r.csv --concurrency 2 --endpoint "$BASE/data/foundation/flowservice" --ims-url "$BASE" --progress none > int.out 2> int.err &
P=$!
sleep 2
kill -TERM $P; wait $P || true
# kill -9: attempts without an answer.
for i in $(seq 41 60); do echo "Bulk $i,prod,basic,,https://b$i.example.com,u$i,pwb$i-S3CRET,,," >> in.csv; done
$BIN run in.csv --out r.csv --concurrency 2 --endpoint "$BASE/data/foundation/flowservice" --ims-url "$BASE" --progress none > k.out 2> k.err &
P=$!
sleep 2.5
kill -9 $P; wait $P || true
cp r.csv.journal run.journal
$BIN test r.csv --endpoint "$BASE/data/foundation/flowservice" --ims-url "$BASE" --progress none || true
$BIN undo r.csv --yes --endpoint "$BASE/data/foundation/flowservice" --ims-url "$BASE" --progress none || true
cp run.journal "$OUT/run.journal"
cp r.undo.csv.journal "$OUT/undo.journal"
cp r.test.csv.journal "$OUT/test.journal"
