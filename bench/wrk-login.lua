-- POST /v1/sessions for the users u0000001..u0000049 made by bench/http-bench.sh (password bench-user-password)
local i = 0
request = function()
  i = i + 1
  local body = string.format('{"username":"u%07d","password":"bench-user-password"}', (i % 49) + 1)
  return wrk.format("POST", "/v1/sessions", {["Content-Type"] = "application/json"}, body)
end
