-- wrk script for scripts/bench.sh. Sets the User-Agent (WRK_UA) and the Host (WRK_HOST) and,
-- when WRK_ABS_URL is set, sends absolute-form requests (forward proxy); else origin-form.
-- Prints one machine-readable RESULT line.
local abs = os.getenv("WRK_ABS_URL")
local host = os.getenv("WRK_HOST")
wrk.headers["User-Agent"] = os.getenv("WRK_UA") or "MdePartner-Contoso-ContosoCognito/1.0.0"
wrk.headers["Accept"] = "application/json"
if abs and abs ~= "" then
  wrk.path = abs
  local hostport = abs:match("^%a+://([^/]+)")
  if hostport then wrk.headers["Host"] = hostport end
elseif host and host ~= "" then
  wrk.headers["Host"] = host
end

done = function(summary, latency, requests)
  local e = summary.errors
  -- summary.requests counts completed responses, non-2xx ones too (also in e.status): that is
  -- what the proxy served, the divisor of CPU per request. e.read is left out of the errors:
  -- wrk counts a server closing the connection after a complete response (tinyproxy, no
  -- client keep-alive) as a read error; it is reported apart as rd_err.
  local errs = e.connect + e.write + e.status + e.timeout
  local ok = summary.requests - e.status
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT rps=%.1f ok=%d served=%d errors=%d p50_us=%d p99_us=%d max_us=%d dur_s=%.3f " ..
    "err_connect=%d rd_err=%d err_write=%d err_status=%d err_timeout=%d\n",
    ok / secs, ok, summary.requests, errs,
    latency:percentile(50), latency:percentile(99), latency.max, secs,
    e.connect, e.read, e.write, e.status, e.timeout))
end
