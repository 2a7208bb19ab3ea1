// The flights example's entry point (`npm run synth`, `cdktf synth`): its Terraform JSON in cdktf.out/. The stack
// itself lives in flights-stack.ts, so that importing it never synthesizes anything.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { buildFlightsApp, flightsOptionsFromEnv } from './flights-stack';

const options = flightsOptionsFromEnv();
if (!options.image) {
  // `cdktf deploy` in one step: bundle the service first, so the image never lags behind src/service.
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'build-service.mjs')], { stdio: ['ignore', process.stderr, 'inherit'] });
}
buildFlightsApp(options).synth();
