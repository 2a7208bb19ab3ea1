import { localServiceEnv } from '../../examples/flights/local-env';
import { parseConfig } from '../../src/service/config';
import { LogEntry, Severity, createLogger } from '../../src/service/logger';
import { CLOUD_RUN_STOP_WINDOW_MS, RunningService, maxQueryTimeoutMs, shutdownGraceMs, startService } from '../../src/service/server';

/** The process entry point's own decisions: which address it listens on, and how long it drains on SIGTERM. */
describe('startService', () => {
  const started: RunningService[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });
  const start = async (env: Record<string, string | undefined>, stopWindowMs?: number) => {
    const logs: LogEntry[] = [];
    const service = await startService(parseConfig({ ...env, PORT: '0' }), createLogger((e) => logs.push(e), Severity.DEBUG), { stopWindowMs });
    started.push(service);
    return { service, logs };
  };

  test('npm start listens on the loopback interface only, unless HOST asks for another', async () => {
    const { service } = await start(localServiceEnv({}));
    expect(service.host).toBe('127.0.0.1');
    expect(service.url).toBe(`http://127.0.0.1:${service.port}`);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect(localServiceEnv({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    const open = await start(localServiceEnv({ HOST: '0.0.0.0' }));
    expect(open.service.host).toBe('0.0.0.0');
  });

  test('listens on every interface when HOST is unset, as a container must', async () => {
    const { service } = await start({ STORE: 'duckdb', PIPELINE_SCHEMA: localServiceEnv({}).PIPELINE_SCHEMA });
    expect(['::', '0.0.0.0']).toContain(service.host);
  });

  test('sets the drain grace longer than the query timeout a request in flight may run', async () => {
    for (const queryTimeoutMs of [100, 2_000, 10_000, 60_000]) {
      // A request read just before the listener closes may run a whole query, then answer.
      expect(shutdownGraceMs(queryTimeoutMs)).toBeGreaterThanOrEqual(250 + queryTimeoutMs + 250);
    }
    const { service } = await start({ ...localServiceEnv({}), QUERY_TIMEOUT_MS: '3000' });
    expect(service.shutdownGraceMs).toBe(shutdownGraceMs(3_000));
    // The default configuration (9 s queries) drains longer than the old fixed 8 s, which cut them.
    expect(shutdownGraceMs(parseConfig(localServiceEnv({})).queryTimeoutMs)).toBeGreaterThan(9_000);
  });

  test('keeps the drain within Cloud Run\'s 10 s between SIGTERM and SIGKILL, and warns when the query timeout cannot fit', async () => {
    expect(maxQueryTimeoutMs(CLOUD_RUN_STOP_WINDOW_MS)).toBe(9_000);
    expect(shutdownGraceMs(9_000, CLOUD_RUN_STOP_WINDOW_MS)).toBe(9_500);
    // The default fits: no QUERY_TIMEOUT_MS given.
    const fits = await start(localServiceEnv({}), CLOUD_RUN_STOP_WINDOW_MS);
    expect(fits.service.shutdownGraceMs).toBe(9_500);
    expect(fits.logs.filter((e) => e.severity === Severity.WARNING)).toEqual([]);
    const tooLong = await start({ ...localServiceEnv({}), QUERY_TIMEOUT_MS: '10000' }, CLOUD_RUN_STOP_WINDOW_MS);
    expect(tooLong.service.shutdownGraceMs).toBe(9_500);
    expect(tooLong.logs.filter((e) => e.severity === Severity.WARNING).map((e) => e.message)).toEqual([
      expect.stringMatching(/^QUERY_TIMEOUT_MS 10000 does not fit the 10000 ms between SIGTERM and SIGKILL.*set it to 9000 or less$/),
    ]);
  });
});
