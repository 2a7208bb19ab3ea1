import { runLoadTest } from '../../scripts/load-test';

/**
 * The load script on a short, low-rate run (the long run's numbers are in docs/reliability.md): the real server
 * process at a fixed rate, zero errors and server memory growth within the bound.
 */
describe('load: fixed rate against the local service', () => {
  test('20 requests/s for 4 s: zero errors, bounded memory, every request answered', async () => {
    const result = await runLoadTest({ rate: 20, seconds: 4, warmupSeconds: 1, flights: 300, maxRssGrowthMb: 64 });
    expect({ errors: result.errors, samples: result.errorSamples }).toEqual({ errors: 0, samples: [] });
    expect(result.requests).toBe(80);
    expect(result.rssMb.before).toBeGreaterThan(0);
    expect(result.rssMb.growth).toBeLessThanOrEqual(64);
    // Every request answered well within the 5 s request timeout: nothing queued up behind a stuck one.
    expect(result.latencyMs.max).toBeLessThan(5000);
    expect(result.passed).toBe(true);
  }, 60_000);
});
