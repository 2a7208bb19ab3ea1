import { flightEvents } from '../../examples/flights/flight-events';
import { LogEntry, Severity, createLogger } from '../../src/service/logger';
import { parseTrace, traceLogFields } from '../../src/service/trace';
import { harness, stubStore } from './app-harness';

describe('parseTrace', () => {
  test('reads W3C traceparent', () => {
    expect(parseTrace('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', undefined)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      sampled: true,
    });
    expect(parseTrace('00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-00', undefined)?.sampled).toBe(false);
  });

  test('reads X-Cloud-Trace-Context with or without span and option', () => {
    expect(parseTrace(undefined, '105445aa7843bc8bf206b12000100000/1;o=1')).toEqual({ traceId: '105445aa7843bc8bf206b12000100000', spanId: '1', sampled: true });
    expect(parseTrace(undefined, '105445aa7843bc8bf206b12000100000')).toEqual({ traceId: '105445aa7843bc8bf206b12000100000', spanId: undefined, sampled: undefined });
  });

  test('prefers traceparent and falls back when it is malformed', () => {
    expect(parseTrace('00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01', 'cccccccccccccccccccccccccccccccc/2')?.traceId).toBe('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(parseTrace('garbage', 'cccccccccccccccccccccccccccccccc/2')?.traceId).toBe('cccccccccccccccccccccccccccccccc');
  });

  test.each([
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['a short trace id', '00-4bf92f35-00f067aa0ba902b7-01'],
  ])('ignores traceparent with %s', (_name, header) => {
    expect(parseTrace(header, undefined)).toBeUndefined();
  });

  test('links to the project trace only when a project is known', () => {
    const trace = { traceId: 'abc', spanId: '7', sampled: true };
    expect(traceLogFields(trace, 'p')).toEqual({
      'logging.googleapis.com/trace': 'projects/p/traces/abc',
      'logging.googleapis.com/spanId': '7',
      'logging.googleapis.com/trace_sampled': true,
    });
    expect(traceLogFields(trace, undefined)).toEqual({});
  });
});

describe('createLogger', () => {
  test('writes structured entries at or above the minimum severity', () => {
    const entries: LogEntry[] = [];
    const logger = createLogger((e) => entries.push(e), Severity.INFO, { service: 'api' });
    logger.debug('hidden');
    logger.info('shown', { n: 1 });
    logger.error('bad');
    expect(entries).toEqual([
      { service: 'api', n: 1, severity: 'INFO', message: 'shown' },
      { service: 'api', severity: 'ERROR', message: 'bad' },
    ]);
  });
});

describe('access log', () => {
  test('one entry per request in Cloud Logging httpRequest form, linked to the trace', async () => {
    const { app, logs } = harness({ store: stubStore(), schema: flightEvents });
    await app.request('http://api.test/v1/records?limit=5', {
      headers: {
        'user-agent': 'jest',
        'x-forwarded-for': '203.0.113.7, 10.0.0.1',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'x-request-id': 'rid-1',
      },
    });
    expect(logs).toEqual([
      {
        severity: 'INFO',
        message: 'GET /v1/records 200',
        requestId: 'rid-1',
        httpRequest: {
          requestMethod: 'GET',
          requestUrl: '/v1/records?limit',
          status: 200,
          latency: expect.stringMatching(/^\d+\.\d{3}s$/),
          userAgent: 'jest',
          remoteIp: '10.0.0.1',
          protocol: 'HTTP/1.1',
        },
        'logging.googleapis.com/trace': 'projects/test-project/traces/4bf92f3577b34da6a3ce929d0e0e4736',
        'logging.googleapis.com/spanId': '00f067aa0ba902b7',
        'logging.googleapis.com/trace_sampled': true,
      },
    ]);
  });

  test('4xx are warnings, 5xx errors, probes debug', async () => {
    const { app, logs } = harness({ store: stubStore({ list: () => Promise.reject(new Error('x')) }), schema: flightEvents });
    await app.request('/healthz');
    await app.request('/v1/records?limit=0');
    await app.request('/v1/records');
    const access = logs.filter((e) => e.httpRequest);
    expect(access.map((e) => `${e.severity} ${e.message}`)).toEqual(['DEBUG GET /healthz 200', 'WARNING GET /v1/records 400', 'ERROR GET /v1/records 500']);
  });
});

describe('access log privacy', () => {
  const request = (app: ReturnType<typeof harness>['app'], url: string, headers: Record<string, string> = {}) => app.request(`http://api.test${url}`, { headers });
  const stored = { event_id: 'AF1234-2024-05-01', airline: 'AF' };

  test('logs the route pattern and the parameter names, never keys or filter values', async () => {
    const { app, logs } = harness({ store: stubStore({ get: async () => stored }), schema: flightEvents });
    await request(app, '/v1/records/AF1234-2024-05-01?fields=event_id,airline');
    await request(app, '/v1/records?airline=AF&status=DELAYED&limit=7');
    // Refused (a name given twice, a window wider than allowed): logged as warnings, without the values either.
    await request(app, '/v1/records?airline=KL&airline=AF');
    await request(app, '/v1/records?from=2020-05-01T00:00:00Z');
    await request(app, '/v1/records/secret-key/extra?token=tok-xyz');
    const access = logs.filter((e) => e.httpRequest);
    expect(access.map((e) => [e.message, (e.httpRequest as { requestUrl: string }).requestUrl])).toEqual([
      ['GET /v1/records/:key 200', '/v1/records/:key?fields'],
      ['GET /v1/records 200', '/v1/records?airline&status&limit'],
      ['GET /v1/records 400', '/v1/records?airline'],
      ['GET /v1/records 400', '/v1/records?from'],
      // No route matched: the path itself may be a key, so only the catch-all is named.
      ['GET /* 404', '/*?token'],
    ]);
    const text = JSON.stringify(access);
    for (const value of ['AF1234', 'DELAYED', 'KL', '2020-05-01', 'secret-key', 'tok-xyz', 'api.test']) expect(text).not.toContain(value);
  });

  test('names that are not plain parameter names are logged as _', async () => {
    const { app, logs } = harness({ store: stubStore(), schema: flightEvents });
    await request(app, `/v1/records?${encodeURIComponent('AF1234 KL')}&${'n'.repeat(65)}=1&limit=5`);
    expect(logs.find((e) => e.httpRequest)?.httpRequest).toEqual(expect.objectContaining({ requestUrl: '/v1/records?_&limit' }));
  });

  test('logs full URLs only when logRequestValues is set (LOG_REQUEST_VALUES=true)', async () => {
    const { app, logs } = harness({ store: stubStore({ get: async () => stored }), schema: flightEvents, config: { logRequestValues: true } });
    await request(app, '/v1/records/AF1234-2024-05-01?fields=event_id');
    expect(logs.find((e) => e.httpRequest)).toEqual(expect.objectContaining({
      message: 'GET /v1/records/AF1234-2024-05-01 200',
      httpRequest: expect.objectContaining({ requestUrl: 'http://api.test/v1/records/AF1234-2024-05-01?fields=event_id' }),
    }));
  });

  test('takes the client address from the hop Cloud Run appends, not from hops the client sent', async () => {
    const { app, logs } = harness({ store: stubStore(), schema: flightEvents });
    // A client sending its own X-Forwarded-For: Cloud Run's front end appends the address it saw last.
    await request(app, '/v1/records', { 'x-forwarded-for': '1.2.3.4, 198.51.100.23' });
    await request(app, '/v1/records', { 'x-forwarded-for': '198.51.100.24' });
    await request(app, '/v1/records', { 'x-forwarded-for': '1.2.3.4,198.51.100.25 ' });
    expect(logs.filter((e) => e.httpRequest).map((e) => (e.httpRequest as { remoteIp: string }).remoteIp)).toEqual(['198.51.100.23', '198.51.100.24', '198.51.100.25']);
  });
});
