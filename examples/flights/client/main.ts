// A partner's program against the flights API: `npx tsx examples/flights/client/main.ts [API_URL]`.
// Locally (`npm start`) no token is needed; against Cloud Run, an identity token for the service's URL is fetched
// from Application Default Credentials (a service account key, the metadata server, or impersonation).
import { GoogleAuth } from 'google-auth-library';
import { LOCAL_URL } from '../openapi-document';
import { flightEvent, flightsClient, recordsInWindow } from './flights-client';

async function main(): Promise<void> {
  const baseUrl = process.argv[2] ?? process.env.API_URL ?? LOCAL_URL;
  const local = new URL(baseUrl).hostname === 'localhost' || new URL(baseUrl).hostname === '127.0.0.1';
  // The token's audience is the service's URL; Cloud Run checks it and the caller's roles/run.invoker.
  const idTokens = local ? undefined : await new GoogleAuth().getIdTokenClient(baseUrl);
  // getRequestHeaders() reuses a token until shortly before it expires.
  const client = flightsClient(baseUrl, idTokens ? async () => (await idTokens.getRequestHeaders()).get('authorization') ?? '' : undefined);

  const to = new Date();
  const from = new Date(to.getTime() - 6 * 3_600_000);
  let count = 0;
  let first: string | undefined;
  for await (const page of recordsInWindow(client, { from: from.toISOString(), to: to.toISOString(), limit: 500, fields: ['event_id', 'status'] })) {
    count += page.length;
    first ??= page[0]?.event_id;
  }
  console.log(`${count} flight events in the last 6 hours`);
  if (first) console.log(JSON.stringify(await flightEvent(client, first), null, 2));
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
