"""The Lua scripts, each run atomically on the node that owns its keys.

All keys of one script call share a hash slot (the caller groups them), so the scripts run
unchanged on Redis Cluster. Numbers that must stay exact (63-bit ids) travel as strings.
"""

from __future__ import annotations

import hashlib

import attrs

__all__ = ["ADD", "ALL", "CHARGE", "GCRA", "RANGE", "REPLACE", "Script"]


@attrs.frozen
class Script:
    name: str
    source: str
    sha: str = attrs.field(init=False)

    @sha.default
    def _sha(self) -> str:
        return hashlib.sha1(self.source.encode()).hexdigest()


# KEYS: timelines. ARGV[1]: max_len; ARGV[2]: "1" if the batch is partial; ARGV[3..]: score,
# member pairs (at most a few thousand). Only existing (materialised) timelines are touched.
# Rank 0 is the sentinel (score 0: keys.COMPLETE 'c' or keys.PARTIAL '0'), so trimming removes ranks
# 1 .. -(max_len + 1): the oldest posts beyond max_len; a timeline that loses posts to trimming,
# or takes a partial batch, trades its COMPLETE sentinel for PARTIAL.
ADD = Script(
    "add",
    """
local stop = -(tonumber(ARGV[1]) + 1)
local n = 0
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    if #ARGV > 2 then
      redis.call('ZADD', key, unpack(ARGV, 3))
      local trimmed = redis.call('ZREMRANGEBYRANK', key, 1, stop)
      if (trimmed > 0 or ARGV[2] == '1') and redis.call('ZREM', key, 'c') == 1 then
        redis.call('ZADD', key, 0, '0')
      end
    end
    n = n + 1
  end
end
return n
""",
)

# KEYS[1]: timeline. ARGV[1]: ttl in ms; ARGV[2..]: score, member pairs (the sentinel first).
REPLACE = Script(
    "replace",
    """
redis.call('DEL', KEYS[1])
local i = 2
while i <= #ARGV do
  local last = math.min(i + 999, #ARGV)
  redis.call('ZADD', KEYS[1], unpack(ARGV, i, last))
  i = last + 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
""",
)

# KEYS: timelines (one hash slot). ARGV[1]: max score (inclusive, "+inf" for no bound);
# ARGV[2]: members must sort below this ("" for no bound); ARGV[3]: limit; ARGV[4]: a TTL in ms
# to refresh on each materialised timeline ("" to leave it). Returns, per key, 0 if it is not
# materialised, else {1 if complete else 0, members newest first...}. Scores round 63-bit ids,
# so the score bound is inclusive and the exact cut is by member.
RANGE = Script(
    "range",
    """
local limit = tonumber(ARGV[3])
local before = ARGV[2]
local replies = {}
for k, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then
    replies[k] = 0
  else
    if ARGV[4] ~= '' then redis.call('PEXPIRE', key, ARGV[4]) end
    local out = {redis.call('ZSCORE', key, 'c') and 1 or 0}
    local offset = 0
    local batch = limit + 16
    while #out <= limit do
      local page = redis.call('ZREVRANGEBYSCORE', key, ARGV[1], '(0', 'LIMIT', offset, batch)
      for _, m in ipairs(page) do
        if before == '' or m < before then
          out[#out + 1] = m
          if #out > limit then break end
        end
      end
      if #page < batch then break end
      offset = offset + batch
    end
    replies[k] = out
  end
end
return replies
""",
)

# GCRA. KEYS[1]: the key's theoretical arrival time (TAT). ARGV[1]: limit; ARGV[2]: period (s).
# Time comes from the server, so every client agrees. A denied hit changes nothing.
# Returns {allowed, remaining, reset_after, retry_after}; the last two as strings (seconds).
GCRA = Script(
    "gcra",
    """
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = period / limit
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - period
if allow_at - now > 1e-6 then
  return {0, 0, string.format('%.6f', tat - now), string.format('%.6f', allow_at - now)}
end
redis.call('SET', KEYS[1], string.format('%.6f', new_tat), 'PX', math.ceil((new_tat - now) * 1000))
local remaining = math.floor((period - (new_tat - now)) / interval + 1e-6)
return {1, remaining, string.format('%.6f', new_tat - now), '0'}
""",
)

# GCRA charge. KEYS: the keys' TATs (one hash slot); ARGV[1]: limit; ARGV[2]: period (s);
# ARGV[3..]: each key's cost (hits let through elsewhere). Each TAT advances by its hits'
# intervals, at most a period ahead. Returns each key's backlog in seconds (as a string).
CHARGE = Script(
    "charge",
    """
local interval = tonumber(ARGV[2]) / tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local out = {}
for i, key in ipairs(KEYS) do
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then tat = now end
  tat = math.min(tat + tonumber(ARGV[i + 2]) * interval, now + period)
  redis.call('SET', key, string.format('%.6f', tat), 'PX', math.max(1, math.ceil((tat - now) * 1000)))
  out[i] = string.format('%.6f', tat - now)
end
return out
""",
)

ALL = (ADD, REPLACE, RANGE, GCRA, CHARGE)
