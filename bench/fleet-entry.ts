// Fifty pipelines with their own monitoring in one stack, plus the fleet view over them: the scale issue 5 asks about.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { flightEvents } from '../examples/flights/flight-events';
import { AnalyticsPipeline, FleetMonitoring, ServiceImage } from '../src';

const PIPELINES = 50;
const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
mkdirSync(dirname(resolve(outdir)), { recursive: true });
const app = new App({ outdir });
const stack = new TerraformStack(app, 'fleet');
new GoogleProvider(stack, 'google', { project: 'my-project', region: 'europe-west1' });
const image = ServiceImage.fromRegistry('europe-docker.pkg.dev/my-project/apis/query-api:1.0.0');
const names = Array.from({ length: PIPELINES }, (_, i) => `flights-${String(i).padStart(2, '0')}`);
for (const name of names) {
  new AnalyticsPipeline(stack, name, { name, schema: flightEvents, image, api: { region: 'europe-west1' } });
}
new FleetMonitoring(stack, 'Fleet', { fleetName: 'flights', pipelineNames: names, hostProjectId: 'my-project' });
app.synth();
