import { main } from '../../src/service/server';
import { flightApiFields, flightEvents } from './flight-events';
import { sampleFlightEvents } from './sample-events';

/**
 * `npm start`: the whole pipeline on a laptop. Starts the real query service with the DuckDB store (playing the
 * topic, the BigQuery subscription and the table), publishes generated flight events through `POST /v1/events`
 * exactly as a producer would, and prints what to try.
 */
async function start(): Promise<void> {
  const service = await main({
    ...process.env,
    STORE: 'duckdb',
    PIPELINE_NAME: process.env.PIPELINE_NAME ?? 'flights',
    // As in the cloud: the API serves the exposed fields, producers publish whole events.
    PIPELINE_SCHEMA: flightEvents.project(flightApiFields).toJson(),
    EVENTS_SCHEMA: flightEvents.toJson(),
  });
  const events = sampleFlightEvents({ nowMillis: Date.now() });
  for (let i = 0; i < events.length; i += 1000) {
    const response = await fetch(`${service.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events.slice(i, i + 1000)),
    });
    if (!response.ok) throw new Error(`loading sample events failed: ${response.status} ${await response.text()}`);
  }
  const base = `http://localhost:${service.port}`;
  const example = events.find((e) => e.status === 'DEPARTED')!;
  const publish = JSON.stringify({ ...example, event_id: 'DEMO-1', event_time: Date.now() * 1000, status: 'ARRIVED' });
  process.stderr.write(
    [
      '',
      `Flights pipeline running locally: ${events.length} sample events published (some twice: each event_id is returned once).`,
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
      'Ctrl+C stops it. Request logs follow as JSON lines.',
      '',
    ].join('\n'),
  );
}

start().catch((e) => {
  process.stderr.write(`npm start failed: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
