-- wrk script: authenticated Graph GETs on a fixed path (the URL bench/users.sh
-- passes), e.g. GET /v1.0/users/{id} or a $filter query. Needs BENCH_LUA_DIR
-- and BENCH_TOKEN (an admin access token) in the environment; with
-- BENCH_CONSISTENCY set, sends "ConsistencyLevel: <value>" too.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
common.install()

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. common.env("BENCH_TOKEN")
local consistency = os.getenv("BENCH_CONSISTENCY")
if consistency and consistency ~= "" then
   wrk.headers["ConsistencyLevel"] = consistency
end
