-- wrk script: resource-owner password (ROPC) token requests with the
-- first-party public client, for the user that bench/run.sh provisioned.
-- Needs BENCH_LUA_DIR, BENCH_USERNAME and BENCH_PASSWORD in the environment.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
common.install()

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=password" ..
   "&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46" ..
   "&username=" .. common.urlencode(common.env("BENCH_USERNAME")) ..
   "&password=" .. common.urlencode(common.env("BENCH_PASSWORD")) ..
   "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
