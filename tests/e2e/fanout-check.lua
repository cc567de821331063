-- wrk script for tests/e2e/run.sh: checks every fan-out response, not just
-- its status.  A response is well-formed when it is a 200 whose head holds
-- X-Part-0..7 with their exact values and whose body lists all 8 helpers.
-- (wrk keeps one value per header name, so Set-Cookie lines are counted by
-- the curl checks instead.)  Prints "frb-check: N well-formed, M malformed".
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  good = 0
  bad = 0
end

function response(status, headers, body)
  local ok = status == 200
  -- Field names are case-insensitive (RFC 9110 5.1): h2o lowercases them.
  local lower = {}
  for name, value in pairs(headers) do
    lower[name:lower()] = value
  end
  for k = 0, 7 do
    if lower["x-part-" .. k] ~= ("k=" .. k .. ";sq=" .. k * k) then
      ok = false
    end
  end
  if not body:find("helper 7: X-Part-7", 1, true) then
    ok = false
  end
  if ok then good = good + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local g, b = 0, 0
  for _, t in ipairs(threads) do
    g = g + t:get("good")
    b = b + t:get("bad")
  end
  io.write(string.format("frb-check: %d well-formed, %d malformed\n", g, b))
end
