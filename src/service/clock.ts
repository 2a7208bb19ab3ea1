/** Where the service reads the time, so tests pin "now" (default windows, publish_time). */
export interface Clock {
  /** Milliseconds since the epoch. */
  nowMillis(): number;
}

/** The real clock. */
export const systemClock: Clock = { nowMillis: () => Date.now() };
