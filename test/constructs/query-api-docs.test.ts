import { AnalyticsTable, QueryApi } from '../../src';
import { parseConfig } from '../../src/service/config';
import { Json, image, orders, resourcesOf, synth } from './helpers';

/** The service's environment as the construct writes it. */
function serviceEnv(enableApiDocs: boolean | undefined): Record<string, string> {
  const { tf } = synth((scope) => {
    const table = new AnalyticsTable(scope, 'Table', { name: 'orders', schema: orders, location: 'EU' });
    new QueryApi(scope, 'Api', { name: 'orders', image: image(), table, enableApiDocs });
  });
  const service = resourcesOf(tf, 'google_cloud_run_v2_service')[0];
  return Object.fromEntries(service.template.containers[0].env.map((e: Json) => [e.name, e.value]));
}

describe('QueryApi enableApiDocs', () => {
  test('serves /docs by default, and the service reads the environment that way', () => {
    const env = serviceEnv(undefined);
    expect(env).not.toHaveProperty('API_DOCS');
    expect(parseConfig({ ...env, GOOGLE_CLOUD_PROJECT: 'p' }).apiDocs).toBe(true);
  });

  test('turns /docs off with enableApiDocs: false', () => {
    const env = serviceEnv(false);
    expect(env.API_DOCS).toBe('false');
    expect(parseConfig({ ...env, GOOGLE_CLOUD_PROJECT: 'p' }).apiDocs).toBe(false);
  });
});
