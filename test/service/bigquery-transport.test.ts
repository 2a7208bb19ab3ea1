import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The other BigQuery tests swap the library's HTTP layer for a jest-loadable stand-in (fake-bigquery/
 * teeny-request-shim.ts). This one runs the real stack, as production does, in a child process.
 */
test('the store works over the real HTTP stack of @google-cloud/bigquery', async () => {
  const script = join(__dirname, 'fake-bigquery', 'real-transport-check.ts');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: join(__dirname, '..', '..'), timeout: 30_000 });
  const results = Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .map(({ name, ...rest }) => [name, rest]),
  );
  expect(results).toEqual({
    ok: {
      records: [
        { event_id: 'b', event_time: '2024-05-01T10:00:00.000001Z' },
        { event_id: 'a', event_time: '2024-05-01T10:00:00.000000Z' },
      ],
      requests: 2,
    },
    rateLimit: { error: 'UNAVAILABLE', retryAfterSeconds: 2 },
    tooExpensive: { error: 'TOO_EXPENSIVE' },
    reset: { error: 'UNAVAILABLE', retryAfterSeconds: 5 },
    pending: { error: 'TIMEOUT' },
  });
});
