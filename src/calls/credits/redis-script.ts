/**
 * The Lua script behind `RedisCreditStore`: one atomic token-bucket operation per call, on Redis's own clock
 * (`TIME`), so processes on machines whose clocks disagree still share one bucket. The math is `bucket.ts`'s
 * (`tokensAt`, `msUntil`); keep the two alike. Needs Redis ≥ 5 (scripts that write after `TIME`; 3.2–4 are
 * switched to effects replication by the first line).
 * @module
 */

/**
 * KEYS[1]: the bucket's hash (fields `t` tokens, `at` ms, `slow` ms: slowed down until).
 * ARGV: op (`take` | `drain` | `peek`), rate and slowRate (tokens a second), burst, count, floor, cooldown ms.
 * Returns `{ok, tokens, waitMs}` as strings (Redis would truncate Lua numbers to integers); waitMs -1: never.
 */
export const BUCKET_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local op = ARGV[1]
local rate = tonumber(ARGV[2]) / 1000
local slowRate = tonumber(ARGV[3]) / 1000
local burst = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 't', 'at', 'slow')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
local slowUntil = tonumber(state[3]) or 0
-- Refill since the last operation. A clock that stepped back (a failover) refills nothing until it catches up.
if now > at then
  local slowEnd = math.min(now, math.max(at, slowUntil))
  tokens = tokens + (slowEnd - at) * slowRate + (now - slowEnd) * rate
  at = now
end
tokens = math.min(burst, tokens)
local ok = 0
local wait = 0
if op == 'take' then
  local count = tonumber(ARGV[5])
  local needed = count + tonumber(ARGV[6])
  if tokens >= needed then
    tokens = tokens - count
    ok = 1
  elseif needed > burst then
    wait = -1
  else
    local deficit = needed - tokens
    if slowUntil <= now then
      wait = deficit / rate
    else
      local slowGain = (slowUntil - now) * slowRate
      if slowGain >= deficit then wait = deficit / slowRate
      else wait = (slowUntil - now) + (deficit - slowGain) / rate end
    end
  end
elseif op == 'drain' then
  tokens = math.min(0, tokens)
  slowUntil = math.max(slowUntil, now + tonumber(ARGV[7]))
end
if op ~= 'peek' then
  redis.call('HSET', KEYS[1], 't', tokens, 'at', at, 'slow', slowUntil)
  -- Once full again (at worst at the slow rate), the bucket is as good as new: let Redis drop it.
  local ttl = math.ceil(math.max(0, slowUntil - now) + (burst - tokens) / slowRate) + 1000
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return { ok, tostring(tokens), tostring(wait) }
`;
