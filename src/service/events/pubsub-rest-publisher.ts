import type { AvroJsonEvent } from './avro-event';
import { PublishError, type PublishOptions, type Publisher } from './publisher';

/** Gives an OAuth access token for the Pub/Sub API. */
export type AccessTokenProvider = () => Promise<string | null | undefined>;

/** Options of the Pub/Sub REST publisher. */
export interface PubSubRestPublisherOptions {
  /** `projects/<project>/topics/<topic>`. */
  readonly topic: string;
  /**
   * Root URL of the Pub/Sub API, for tests against a local fake.
   *
   * @default 'https://pubsub.googleapis.com'
   */
  readonly endpoint?: string;
  /**
   * Access tokens; `null` sends no Authorization header (local fakes and emulators).
   *
   * @default - application default credentials through google-auth-library
   */
  readonly accessToken?: AccessTokenProvider | null;
  /**
   * Time one publish request may take.
   *
   * @default 10000
   */
  readonly timeoutMs?: number;
}

const TOPIC = /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/topics\/[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/;

/**
 * Publishes through the Pub/Sub REST API (`POST /v1/{topic}:publish`, one request per batch, so a batch is
 * accepted or refused whole); the topic's schema validates the JSON-encoded data again on Google's side. Far
 * smaller in the bundle than @google-cloud/pubsub's gRPC stack.
 */
export class PubSubRestPublisher implements Publisher {
  private readonly url: string;
  private readonly accessToken: AccessTokenProvider | null;

  public constructor(private readonly options: PubSubRestPublisherOptions) {
    if (!TOPIC.test(options.topic)) throw new Error(`topic must be projects/<project>/topics/<topic>, got ${JSON.stringify(options.topic)}`);
    this.url = `${(options.endpoint ?? 'https://pubsub.googleapis.com').replace(/\/$/, '')}/v1/${options.topic}:publish`;
    this.accessToken = options.accessToken === undefined ? defaultAccessToken() : options.accessToken;
  }

  /** Publishes the events as JSON-encoded messages and returns Pub/Sub's message ids. */
  public async publish(events: readonly AvroJsonEvent[], options: PublishOptions = {}): Promise<string[]> {
    return this.publishMessages(events.map((e) => ({ data: Buffer.from(JSON.stringify(e), 'utf8'), attributes: options.attributes })));
  }

  /** Publishes raw messages (payload bytes plus attributes) in one request and returns Pub/Sub's message ids. */
  public async publishMessages(messages: ReadonlyArray<{ readonly data: Buffer; readonly attributes?: Readonly<Record<string, string>> }>): Promise<string[]> {
    const token = this.accessToken ? await this.accessToken() : undefined;
    const body = {
      messages: messages.map((m) => ({ data: m.data.toString('base64'), ...(m.attributes && Object.keys(m.attributes).length > 0 ? { attributes: m.attributes } : {}) })),
    };
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (e) {
      throw new PublishError(0, `Pub/Sub could not be reached: ${(e as Error).message}`, { cause: e });
    }
    const payload = (await response.json().catch(() => ({}))) as { messageIds?: string[]; error?: { message?: string } };
    if (!response.ok) throw new PublishError(response.status, payload.error?.message ?? `Pub/Sub answered ${response.status}`);
    if (!Array.isArray(payload.messageIds) || payload.messageIds.length !== messages.length) {
      throw new PublishError(502, 'Pub/Sub answered without one message id per event');
    }
    return payload.messageIds;
  }
}

function defaultAccessToken(): AccessTokenProvider {
  let auth: Promise<{ getAccessToken(): Promise<string | null | undefined> }> | undefined;
  return async () => {
    // Loaded on first publish only: local mode and tests never need credentials.
    auth ??= import('google-auth-library').then(({ GoogleAuth }) => new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/pubsub'] }));
    return (await auth).getAccessToken();
  };
}
