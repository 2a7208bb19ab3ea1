// The example as `npm run synth` runs it, with a registry image so no image build resources are involved.
import { buildFlightsApp } from '../examples/flights/main';

buildFlightsApp().synth();
