-- POST Keycloak's token endpoint (grant_type=password, public client 'bench' of realm 'bench') as a random one of
-- the users user000001..userN that bench/login-memory-vs-keycloak.sh made (N is the first argument after --)
local users = 5500
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  users = tonumber(args[1]) or users
  math.randomseed(os.time() * 100 + id) -- one sequence per thread, not the same one twice
end
request = function()
  local body = string.format("grant_type=password&client_id=bench&username=user%06d&password=kc-bench-password",
    math.random(users))
  return wrk.format("POST", "/realms/bench/protocol/openid-connect/token",
    {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
