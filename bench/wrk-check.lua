-- /v1/check with varied subjects and resources over the synthetic university (bench/synthetic-university.sql)
local users = tonumber(os.getenv("USERS") or "1000000")
local key = os.getenv("KEY") or ""
math.randomseed(os.time())
request = function()
  local u = math.random(1, users)
  local path = string.format("/v1/check?subject=u%07d&permission=grades.write&resource=offering:C%d/2026-fall",
    u, math.random(1, 3000))
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. key})
end
