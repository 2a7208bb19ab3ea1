import { request as httpRequest } from 'node:http';
import { stringify } from 'node:querystring';

/**
 * A stand-in for `teeny-request`, the HTTP layer of `@google-cloud/common`, for jest only. The real one loads
 * `node-fetch` with a dynamic `import()`, which jest refuses unless node runs with `--experimental-vm-modules`.
 * Tests install it with `jest.mock('teeny-request', () => require('./fake-bigquery/teeny-request-shim'))`;
 * everything above the socket (request building, auth, retries, error parsing) stays the library's own.
 */

interface RequestOptions {
  readonly method?: string;
  readonly uri?: string;
  readonly url?: string;
  readonly qs?: Record<string, unknown>;
  readonly json?: unknown;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

type Callback = (err: Error | null, response?: unknown, body?: unknown) => void;

/** An error shaped like node-fetch's FetchError, which `@google-cloud/common` passes through. */
class FetchError extends Error {
  public constructor(message: string, public readonly type: string, public readonly code?: string) {
    super(message);
    this.name = 'FetchError';
  }
}

/** Sends one request over node:http and answers the way teeny-request does (JSON bodies parsed). */
export function teenyRequest(options: RequestOptions, callback: Callback): { abort(): void } {
  const base = options.uri ?? options.url;
  if (!base) throw new Error('Missing uri or url in reqOpts.');
  const url = options.qs ? `${base}?${stringify(options.qs as Record<string, string>)}` : base;
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let payload: string | undefined;
  if (options.json !== undefined && typeof options.json === 'object') {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(options.json);
  } else if (options.body !== undefined) {
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  let done = false;
  const finish: Callback = (err, response, body) => {
    if (done) return;
    done = true;
    callback(err, response, body);
  };
  const req = httpRequest(url, { method: options.method ?? 'GET', headers }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', (e: NodeJS.ErrnoException) => finish(new FetchError(e.message, 'system', e.code)));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const isJson = /^application\/json(;\s*charset=utf-8)?$/i.test(String(res.headers['content-type'] ?? ''));
      let body: unknown = text;
      if (isJson && res.statusCode !== 204) {
        try {
          body = JSON.parse(text);
        } catch (e) {
          finish(new FetchError(`invalid json response body at ${url}: ${(e as Error).message}`, 'invalid-json'));
          return;
        }
      }
      const response = { statusCode: res.statusCode, statusMessage: res.statusMessage, headers: res.headers, body, request: { headers, href: url }, toJSON: () => ({ headers: res.headers }) };
      finish(null, response, body);
    });
  });
  req.on('error', (e: NodeJS.ErrnoException) => finish(new FetchError(`request to ${url} failed, reason: ${e.message}`, 'system', e.code)));
  req.end(payload);
  return { abort: () => req.destroy() };
}

/** `teenyRequest.defaults(defaults)`: the form `@google-cloud/common` calls. */
teenyRequest.defaults =
  (defaults: RequestOptions) =>
  (options: RequestOptions, callback: Callback): { abort(): void } =>
    teenyRequest({ ...defaults, ...options }, callback);
