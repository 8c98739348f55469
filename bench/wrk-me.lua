-- /v1/me with the session tokens listed one per line in $TOKENS
local tokens = {}
for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/v1/me", {["Authorization"] = "Bearer " .. tokens[(i % #tokens) + 1]})
end
