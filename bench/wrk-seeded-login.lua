-- POST /v1/sessions for the seeded students student000001..student000500 (provost seed's default password)
local i = 0
request = function()
  i = i + 1
  local body = string.format('{"username":"student%06d","password":"provost-seed-password"}', (i % 500) + 1)
  return wrk.format("POST", "/v1/sessions", {["Content-Type"] = "application/json"}, body)
end
