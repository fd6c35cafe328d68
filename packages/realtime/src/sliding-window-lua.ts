/**
 * How both Redis rate scripts start (the sign-in AttemptLimiter here, the webhook DeliveryPacer in
 * @acme/jobs): KEYS[1] is a sorted set of times, ARGV[1] the limit, ARGV[2] the window in ms.
 * `now` is Redis' clock, which every process shares; times that left the window are dropped and
 * `count` holds the rest.
 */
export const SLIDING_WINDOW_LUA_PRELUDE = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
`;
