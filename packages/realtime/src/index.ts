export { createBus, type Bus, type BusOptions } from './bus.ts';
export { createConfiguredBus } from './configured-bus.ts';
export { createMemoryBus } from './memory-bus.ts';
export {
  createMemoryAttemptLimiter,
  createRedisAttemptLimiter,
  type AttemptDecision,
  type AttemptLimiter,
} from './attempt-limiter.ts';
export { createRedis, pingRedis } from './redis.ts';
export { SLIDING_WINDOW_LUA_PRELUDE } from './sliding-window-lua.ts';
export type { Redis } from 'ioredis';
