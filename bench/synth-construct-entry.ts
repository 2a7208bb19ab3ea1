// The example's stack without the best-practice checks that `npm run synth` adds: the constructs' own cost.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { App } from 'cdktf';
import { buildFlightsStack } from '../examples/flights/flights-stack';

const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
mkdirSync(dirname(resolve(outdir)), { recursive: true });
const app = new App({ outdir });
buildFlightsStack(app);
app.synth();
