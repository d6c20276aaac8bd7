-- wrk script: GET /v1.0/users/{userPrincipalName} for a UPN picked at random
-- from a list, one per line, in the file BENCH_UPN_FILE (bench/users.sh writes
-- a random sample of the imported users). Needs BENCH_LUA_DIR, BENCH_TOKEN and
-- BENCH_UPN_FILE in the environment.
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
common.install()

local upns = {}
for line in io.lines(common.env("BENCH_UPN_FILE")) do
   if line ~= "" then upns[#upns + 1] = line end
end
if #upns == 0 then error("bench: BENCH_UPN_FILE is empty") end

local auth = "Bearer " .. common.env("BENCH_TOKEN")
math.randomseed(os.time())

function request()
   local upn = upns[math.random(#upns)]
   return wrk.format("GET", "/v1.0/users/" .. common.urlencode(upn),
      { ["Authorization"] = auth })
end
