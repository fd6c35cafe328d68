/**
 * Requests sent to the endpoint for one delivery before it is failed: the first try plus 8
 * retries on this schedule (not graphile-worker's job attempts: see DELIVERY_JOB_MAX_RUNS).
 */
export const MAX_SENDS_PER_DELIVERY = 9;

const GROWTH = 3;
/** Each delay is drawn from [75 %, 100 %] of its nominal value, so retries never exceed the schedule. */
const JITTER_LOW = 0.75;

/**
 * Delay before retry number `retry` (1-based): nominal base × 3^(retry−1) with jitter.
 * With the default 30 s base: ≤30 s, 90 s, 4.5 min, 13.5 min, 40 min, 2 h, 6 h, 18 h, so the
 * last retry runs 20–27 h after the first failure ("about a day"). Jitter spreads the retries of
 * deliveries that failed together (an endpoint outage) instead of retrying them in one burst.
 */
export function retryDelayMs(retry: number, baseMs: number, random: () => number = Math.random) {
  const nominal = baseMs * GROWTH ** (retry - 1);
  return Math.round(nominal * (JITTER_LOW + (1 - JITTER_LOW) * random()));
}
