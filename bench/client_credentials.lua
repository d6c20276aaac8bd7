-- wrk script: client-credentials token requests (POST /{tenant}/oauth2/v2.0/token)
-- for the application that bench/run.sh provisioned. Needs BENCH_LUA_DIR,
-- BENCH_CLIENT_ID and BENCH_CLIENT_SECRET in the environment.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
common.install()

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials" ..
   "&client_id=" .. common.urlencode(common.env("BENCH_CLIENT_ID")) ..
   "&client_secret=" .. common.urlencode(common.env("BENCH_CLIENT_SECRET")) ..
   "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
