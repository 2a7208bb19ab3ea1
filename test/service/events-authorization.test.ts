import { flightEvents } from '../../examples/flights/flight-events';
import { SIGNATURE_REMOVED, verifiedCallerEmail } from '../../src/service/events/caller-identity';
import { LocalPublisher } from '../../src/service/events/local-publisher';
import { PubSubRestPublisher } from '../../src/service/events/pubsub-rest-publisher';
import { createLogger } from '../../src/service/logger';
import { DuckDbStore } from '../../src/service/store/duckdb-store';
import { NOW_MILLIS, bodyOf, errorOf, harness, stubStore, validFlightEvent } from './app-harness';
import { FakePubSub, startFakePubSub } from './fake-pubsub';

const SHOP = 'shop@acme.iam.gserviceaccount.com';
const READER = 'partner@example.com';

/** An ID token as Cloud Run passes it to the container after its IAM check: header, claims, no signature. */
function forwardedToken(claims: Record<string, unknown>, signature = SIGNATURE_REMOVED): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${signature}`;
}
const googleClaims = (email: string) => ({ iss: 'https://accounts.google.com', aud: 'https://orders-api-xyz.run.app', email, email_verified: true, sub: '1' });
const bearer = (email: string) => ({ authorization: `Bearer ${forwardedToken(googleClaims(email))}` });
const headersOf = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];

describe('verifiedCallerEmail', () => {
  test('reads the email of a token Cloud Run verified', () => {
    expect(verifiedCallerEmail(headersOf(bearer('Shop@ACME.iam.gserviceaccount.com')))).toBe(SHOP);
  });

  test('prefers X-Serverless-Authorization, which Cloud Run checks first, over Authorization', () => {
    const headers = { 'x-serverless-authorization': `Bearer ${forwardedToken(googleClaims(READER))}`, ...bearer(SHOP) };
    expect(verifiedCallerEmail(headersOf(headers))).toBe(READER);
  });

  test.each([
    ['no header', {}],
    ['a token that still carries a signature (not consumed by Cloud Run)', { authorization: `Bearer ${forwardedToken(googleClaims(SHOP), 'c2lnbmF0dXJl')}` }],
    ['a Basic header', { authorization: `Basic ${Buffer.from(`${SHOP}:x`).toString('base64')}` }],
    ['a payload that is not base64url JSON', { authorization: `Bearer eyJhbGciOiJSUzI1NiJ9.not*json.${SIGNATURE_REMOVED}` }],
    ['a payload that is JSON but not an object', { authorization: `Bearer e30.${Buffer.from('"x"').toString('base64url')}.${SIGNATURE_REMOVED}` }],
    ['another issuer', { authorization: `Bearer ${forwardedToken({ ...googleClaims(SHOP), iss: 'https://evil.example.com' })}` }],
    ['an unverified email', { authorization: `Bearer ${forwardedToken({ ...googleClaims(SHOP), email_verified: false })}` }],
    ['no email', { authorization: `Bearer ${forwardedToken({ iss: 'https://accounts.google.com', sub: '1' })}` }],
    ['a huge payload', { authorization: `Bearer e30.${'A'.repeat(20_000)}.${SIGNATURE_REMOVED}` }],
  ])('trusts nobody for %s', (_, headers: Record<string, string>) => {
    expect(verifiedCallerEmail(headersOf(headers))).toBeUndefined();
  });
});

describe('POST /v1/events with event publishers (behind Cloud Run IAM)', () => {
  let store: DuckDbStore;
  beforeEach(async () => {
    store = await DuckDbStore.create({ schema: flightEvents });
  });
  afterEach(() => store.close());

  const appFor = (publishers?: string[]) => {
    const publisher = new LocalPublisher({ sink: store, schema: flightEvents, clock: { nowMillis: () => NOW_MILLIS }, logger: createLogger(() => undefined) });
    return harness({ store, schema: flightEvents, publisher, config: { eventPublishers: publishers } }).app;
  };
  const post = (app: ReturnType<typeof appFor>, headers: Record<string, string>, body: unknown = validFlightEvent()) =>
    app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const storedAttributes = async () =>
    (await store.withConnection((c) => c.runAndReadAll(`SELECT CAST(attributes AS VARCHAR) FROM ${store.tableName}`))).getRows().map((r) => JSON.parse(String(r[0])));

  test('fails with 403 for a reader of the API: invoking is not publishing', async () => {
    const res = await post(appFor([SHOP]), bearer(READER));
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/may read this API but not publish/) });
    expect(await storedAttributes()).toEqual([]);
  });

  test('fails with 403 without a verified identity, before looking at the body', async () => {
    const res = await post(appFor([SHOP]), {}, { not: 'an event' });
    expect(res.status).toBe(403);
    expect((await post(appFor([SHOP]), { authorization: `Bearer ${forwardedToken(googleClaims(SHOP), 'c2ln')}` })).status).toBe(403);
  });

  test('publishes for an allowed account and records it as the publisher attribute of each message', async () => {
    const res = await post(appFor([SHOP]), bearer(SHOP.toUpperCase()), [validFlightEvent(), { ...validFlightEvent(), event_id: 'evt-2' }]);
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).messageIds).toHaveLength(2);
    expect(await storedAttributes()).toEqual([{ publisher: SHOP }, { publisher: SHOP }]);
  });

  test('publishes locally without an allow-list, recorded as publisher=local', async () => {
    expect((await post(appFor(undefined), {})).status).toBe(200);
    expect(await storedAttributes()).toEqual([{ publisher: 'local' }]);
  });
});

describe('PubSubRestPublisher attributes', () => {
  let pubsub: FakePubSub;
  beforeAll(async () => {
    pubsub = await startFakePubSub();
  });
  afterAll(() => pubsub.close());

  test('sends the verified publisher as a message attribute to Pub/Sub', async () => {
    const publisher = new PubSubRestPublisher({ topic: 'projects/my-project/topics/flight-events', endpoint: pubsub.url, accessToken: null });
    const app = harness({ store: stubStore(), schema: flightEvents, publisher, config: { eventPublishers: [SHOP] } }).app;
    const res = await app.request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(SHOP) }, body: JSON.stringify(validFlightEvent()) });
    expect(res.status).toBe(200);
    expect(pubsub.requests[0].body.messages[0].attributes).toEqual({ publisher: SHOP });
  });
});
