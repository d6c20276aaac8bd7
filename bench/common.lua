-- Shared wrk hooks for the Atrium benchmarks (bench/run.sh): counts the
-- responses that are not 200 in the `response` hook, per thread, and prints
-- one machine-readable "BENCH ..." line at the end (rate, p50/p99 latency,
-- non-200 count, socket errors). Request bodies come from the environment,
-- so no secret ever appears on a command line.

local M = {}

function M.urlencode(s)
   return (s:gsub("[^%w%-%._~]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

function M.env(name)
   local v = os.getenv(name)
   if v == nil or v == "" then
      error("bench: environment variable " .. name .. " is not set")
   end
   return v
end

local threads = {}

-- Installs the hooks as globals of the script that loads this file.
function M.install()
   function setup(thread)
      table.insert(threads, thread)
   end

   ok_count = 0
   bad_count = 0
   first_bad = 0

   function response(status, headers, body)
      if status == 200 then
         ok_count = ok_count + 1
      else
         bad_count = bad_count + 1
         if first_bad == 0 then first_bad = status end
      end
   end

   function done(summary, latency, requests)
      local ok, bad, first = 0, 0, 0
      for _, t in ipairs(threads) do
         ok = ok + (t:get("ok_count") or 0)
         bad = bad + (t:get("bad_count") or 0)
         local f = t:get("first_bad") or 0
         if first == 0 and f ~= 0 then first = f end
      end
      local e = summary.errors
      local secs = summary.duration / 1e6
      io.write(string.format(
         "BENCH requests=%d ok=%d non200=%d first_non200=%d rps=%.1f ok_rps=%.1f " ..
         "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
         "err_connect=%d err_read=%d err_write=%d err_timeout=%d duration_s=%.3f\n",
         summary.requests, ok, bad, first, summary.requests / secs, ok / secs,
         latency:percentile(50) / 1000, latency:percentile(90) / 1000,
         latency:percentile(99) / 1000, latency.max / 1000,
         e.connect, e.read, e.write, e.timeout, secs))
   end
end

return M
