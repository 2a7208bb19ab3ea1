import { IncomingMessage, Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message of a Pub/Sub publish request, as the REST API takes it. */
export interface PublishedMessage {
  readonly data: string;
  readonly attributes?: Record<string, string>;
}

/** A publish request the fake received. */
export interface PublishRequest {
  readonly url?: string;
  readonly auth?: string;
  readonly body: { readonly messages: PublishedMessage[] };
}

/** A local stand-in for Pub/Sub's `topics.publish` REST endpoint, recording every request. */
export interface FakePubSub {
  readonly url: string;
  readonly requests: PublishRequest[];
  /** The answer to each request; by default a 200 with one message id per message. */
  respond: (request: PublishRequest, index: number) => { status: number; body: unknown };
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port. */
export async function startFakePubSub(): Promise<FakePubSub> {
  const requests: PublishRequest[] = [];
  const fake = {
    url: '',
    requests,
    respond: (request: PublishRequest, index: number) => ({
      status: 200,
      body: { messageIds: request.body.messages.map((_m, i) => `pubsub-${index + 1}-${i}`) },
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const request: PublishRequest = { url: req.url, auth: req.headers.authorization, body: JSON.parse(text) };
    requests.push(request);
    const { status, body } = fake.respond(request, requests.length - 1);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
