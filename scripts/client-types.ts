// Regenerates the flights example's typed client inputs: `npm run client:types`. Writes the OpenAPI document the
// example serves (examples/flights/client/openapi.json) and the TypeScript types openapi-typescript generates from it
// (flights-api.d.ts). test/examples/flights-client.test.ts fails when either is stale.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flightsOpenApiDocument } from '../examples/flights/openapi-document';

const root = join(__dirname, '..');
const dir = join(root, 'examples', 'flights', 'client');
writeFileSync(join(dir, 'openapi.json'), `${JSON.stringify(flightsOpenApiDocument(), null, 2)}\n`);
execFileSync(join(root, 'node_modules', '.bin', 'openapi-typescript'), [join(dir, 'openapi.json'), '--output', join(dir, 'flights-api.d.ts')], {
  cwd: root,
  stdio: 'inherit',
});
