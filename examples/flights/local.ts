import { main } from '../../src/service/server';
import { localServiceEnv } from './local-env';
import { sampleFlightEvents } from './sample-events';

/**
 * `npm start`: the whole pipeline on a laptop. Starts the real query service with the DuckDB store (playing the
 * topic, the BigQuery subscription and the table), publishes generated flight events through `POST /v1/events`
 * exactly as a producer would, and prints what to try.
 */
async function start(): Promise<void> {
  const service = await main(localServiceEnv(process.env));
  const events = sampleFlightEvents({ nowMillis: Date.now() });
  for (let i = 0; i < events.length; i += 1000) {
    const response = await fetch(`${service.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events.slice(i, i + 1000)),
    });
    if (!response.ok) throw new Error(`loading sample events failed: ${response.status} ${await response.text()}`);
  }
  const base = service.url;
  const loopback = /^(127\.|::1$|::ffff:127\.)/.test(service.host);
  const example = events.find((e) => e.status === 'DEPARTED')!;
  const publish = JSON.stringify({ ...example, event_id: 'DEMO-1', event_time: Date.now() * 1000, status: 'ARRIVED' });
  process.stderr.write(
    [
      '',
      `Flights pipeline running locally: ${events.length} sample events published (some twice: each event_id is returned once).`,
      loopback
        ? `Listening on ${service.host} only (HOST=0.0.0.0 npm start to reach it from other machines).`
        : `WARNING: listening on ${service.host}: anyone who can reach this machine can read the data and POST events, unauthenticated.`,
      '',
      `  Last 24 hours:        ${base}/v1/records`,
      `  A few fields:         ${base}/v1/records?fields=event_id,airline,origin,destination,status&limit=5`,
      `  Filtered:             ${base}/v1/records?airline=AF&status=DELAYED`,
      `  Last 3 days:          ${base}/v1/records?from=${new Date(Date.now() - 3 * 86_400_000).toISOString()}`,
      `  One record:           ${base}/v1/records/${example.event_id}`,
      `  API reference:        ${base}/docs`,
      `  OpenAPI document:     ${base}/openapi.json`,
      `  Health / readiness:   ${base}/healthz  ${base}/readyz`,
      '',
      '  Publish an event (Avro JSON encoding, as Pub/Sub expects it):',
      `  curl -s -X POST ${base}/v1/events -H 'content-type: application/json' -d '${publish}'`,
      '',
      `  Schema evolution:     add a field to examples/flights/flight-events.ts and restart with DUCKDB_PATH${process.env.DUCKDB_PATH ? ` (${process.env.DUCKDB_PATH})` : '=flights.duckdb (data is in memory now)'}: docs/schema-evolution.md`,
      '',
      'Ctrl+C stops it. Request logs follow as JSON lines.',
      '',
    ].join('\n'),
  );
}

start().catch((e) => {
  process.stderr.write(`npm start failed: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
