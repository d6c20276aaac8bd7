-- wrk script: OpenID discovery document GETs
-- (GET /{tenant}/v2.0/.well-known/openid-configuration; the path is in the URL
-- bench/run.sh passes). Needs BENCH_LUA_DIR in the environment.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
common.install()
wrk.method = "GET"
