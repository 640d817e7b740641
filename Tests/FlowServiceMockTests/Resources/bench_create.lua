-- wrk script: POSTs valid Basic Authentication creates to the mock with a static token.
-- Names are unique per wrk thread. Any answer other than 201 is counted and printed at the end.
--
--   swift build -c release --product flowbatch
--   .build/release/flowbatch mock --port 8080 --static-token bench-token &
--   wrk -t2 -c64 -d10s -s Tests/FlowServiceMockTests/Resources/bench_create.lua http://127.0.0.1:8080

local counter = 0
local threads = {}
local spec = "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62"

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

wrk.method = "POST"
wrk.path = "/data/foundation/flowservice/connections"
wrk.headers["Authorization"] = "Bearer bench-token"
wrk.headers["x-api-key"] = "flowbatch-demo"
wrk.headers["x-gw-ims-org-id"] = "DEMO0000000000000000@AdobeOrg"
wrk.headers["x-sandbox-name"] = "prod"
wrk.headers["Content-Type"] = "application/json"

function request()
  counter = counter + 1
  local body = string.format(
    '{"name":"bench %d-%d","description":"wrk","auth":{"specName":"Basic Authentication",'
      .. '"params":{"host":"https://api.acme.example","username":"u","password":"p"}},'
      .. '"connectionSpec":{"id":"%s","version":"1.0"}}',
    tid or 0, counter, spec)
  return wrk.format(nil, nil, nil, body)
end

not_created = 0
function response(status, headers, body)
  if status ~= 201 then
    not_created = not_created + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("not_created")
  end
  io.write(string.format("answers other than 201: %d\n", total))
end
