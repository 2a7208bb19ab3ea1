import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Image } from '@cdktf/provider-docker/lib/image';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { RegistryImage } from '@cdktf/provider-docker/lib/registry-image';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AnalyticsPipeline, AnalyticsTable, BundledServiceImageOptions, QueryApi, ServiceImage } from '../../src';
import { _setDockerModuleLoader, contextHash } from '../../src/constructs/bundled-service-image';
import { Json, orders, resourcesOf, synth } from '../constructs/helpers';

Testing.setupJest();

const FIXTURE = path.join(__dirname, 'fixtures', 'service-bundle');

function api(scope: Construct, options: BundledServiceImageOptions = {}, id = 'Api', name = 'orders', region: string | null = 'europe-west1'): QueryApi {
  const table = new AnalyticsTable(scope, `${id}Table`, { name, schema: orders, location: 'EU' });
  return new QueryApi(scope, id, {
    name, table, region: region ?? undefined, labels: { team: 'data' },
    image: ServiceImage.fromBundledService({ serviceDirectory: FIXTURE, ...options }),
  });
}

/** A copy of the fixture bundle in a fresh temporary directory. */
function copyOfFixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
  for (const file of fs.readdirSync(FIXTURE)) fs.copyFileSync(path.join(FIXTURE, file), path.join(dir, file));
  return dir;
}

function only(tf: Json, type: string): Json {
  const all = resourcesOf(tf, type);
  expect(all).toHaveLength(1);
  return all[0];
}

describe('ServiceImage.fromBundledService', () => {
  it('creates a Docker repository with a cleanup policy and the pipeline labels', () => {
    const { json } = synth((scope) => api(scope));
    expect(json).toHaveResourceWithProperties(ArtifactRegistryRepository, {
      repository_id: 'orders-images',
      location: 'europe-west1',
      format: 'DOCKER',
      labels: { team: 'data', pipeline: 'orders' },
      cleanup_policy_dry_run: false,
      cleanup_policies: [
        { id: 'keep-recent', action: 'KEEP', most_recent_versions: { keep_count: 10 } },
        { id: 'delete-untagged', action: 'DELETE', condition: { tag_state: 'UNTAGGED', older_than: '604800s' } },
        { id: 'delete-old', action: 'DELETE', condition: { tag_state: 'ANY', older_than: '2592000s' } },
      ],
    });
  });

  it('builds the bundle from a relative, content-addressed context and tags it with the hash', () => {
    const { json, tf } = synth((scope) => api(scope));
    const hash = contextHash(FIXTURE);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(json).toHaveResourceWithProperties(Image, {
      name: expect.stringMatching(new RegExp(`^europe-west1-docker\\.pkg\\.dev/\\$\\{google_artifact_registry_repository\\.\\w+\\.project\\}/\\$\\{google_artifact_registry_repository\\.\\w+\\.repository_id\\}/orders-api:ctx-${hash.slice(0, 20)}$`)),
      build: { context: expect.stringMatching(new RegExp(`^assets/\\w+/${hash}$`)), platform: 'linux/amd64' },
      triggers: { context_sha256: hash },
      provider: 'docker.artifact-registry',
    });
    const build = Object.keys(tf.resource.docker_image)[0];
    expect(json).toHaveResourceWithProperties(RegistryImage, {
      name: `\${docker_image.${build}.name}`,
      keep_remotely: true,
      triggers: { context_sha256: hash },
      provider: 'docker.artifact-registry',
    });
    expect(json).not.toContain(FIXTURE);
  });

  it('deploys Cloud Run by the digest of the pushed image', () => {
    const { json, tf } = synth((scope) => api(scope));
    const push = Object.keys(tf.resource.docker_registry_image)[0];
    expect(json).toHaveResourceWithProperties(CloudRunV2Service, {
      template: expect.objectContaining({
        containers: [expect.objectContaining({
          image: expect.stringMatching(new RegExp(`/orders-api@\\$\\{docker_registry_image\\.${push}\\.sha256_digest\\}$`)),
        })],
      }),
    });
  });

  it('configures one docker provider per stack that logs in to Artifact Registry with the google access token', () => {
    const { json, tf } = synth((scope) => {
      api(scope);
      api(scope, {}, 'Other', 'returns', 'us-central1');
    });
    expect(tf.provider.docker).toHaveLength(1);
    const client = Object.keys(tf.data.google_client_config).find((k) => k.startsWith('ArtifactRegistryDocker'));
    expect(json).toHaveProviderWithProperties(DockerProvider, {
      alias: 'artifact-registry',
      registry_auth: [
        { address: 'europe-west1-docker.pkg.dev', username: 'oauth2accesstoken', password: `\${data.google_client_config.${client}.access_token}` },
        { address: 'us-central1-docker.pkg.dev', username: 'oauth2accesstoken', password: `\${data.google_client_config.${client}.access_token}` },
      ],
    });
    expect(resourcesOf(tf, 'google_artifact_registry_repository').map((r: Json) => r.repository_id).sort()).toEqual(['orders-images', 'returns-images']);
  });

  it('defaults the repository region to the provider region', () => {
    const { tf } = synth((scope) => api(scope, {}, 'Api', 'orders', null));
    expect(only(tf, 'google_artifact_registry_repository').location).toMatch(/^\$\{data\.google_client_config\.\w+\.region\}$/);
  });

  it('gives the same context hash for the same files anywhere, and another one when a byte or a name changes', () => {
    const copy = copyOfFixture();
    try {
      expect(contextHash(copy)).toBe(contextHash(FIXTURE));
      const later = new Date(Date.now() + 3_600_000);
      fs.utimesSync(path.join(copy, 'server.js'), later, later);
      expect(contextHash(copy)).toBe(contextHash(FIXTURE));
      const a = synth((scope) => api(scope)).json;
      const b = synth((scope) => api(scope, { serviceDirectory: copy })).json;
      expect(b).toBe(a);

      fs.appendFileSync(path.join(copy, 'server.js'), '\n');
      expect(contextHash(copy)).not.toBe(contextHash(FIXTURE));
      fs.writeFileSync(path.join(copy, 'server.js'), fs.readFileSync(path.join(FIXTURE, 'server.js')));
      fs.renameSync(path.join(copy, 'server.js'), path.join(copy, 'main.js'));
      expect(contextHash(copy)).not.toBe(contextHash(FIXTURE));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('pushes to an existing repository without creating one', () => {
    const { tf } = synth((scope) => api(scope, { existingRepository: { location: 'europe-west4', repositoryId: 'shared', project: 'acme-images' }, imageName: 'apis/orders' }));
    expect(tf.resource.google_artifact_registry_repository).toBeUndefined();
    expect(only(tf, 'docker_image').name).toBe(`europe-west4-docker.pkg.dev/acme-images/shared/apis/orders:ctx-${contextHash(FIXTURE).slice(0, 20)}`);
    expect(tf.provider.docker[0].registry_auth[0].address).toBe('europe-west4-docker.pkg.dev');
  });

  it('accepts a repository resource as the existing repository, and the user\'s docker provider', () => {
    const { tf } = synth((scope) => {
      const repository = new ArtifactRegistryRepository(scope, 'Shared', { repositoryId: 'shared', location: 'europe-west1', format: 'DOCKER' });
      const provider = new DockerProvider(scope, 'Docker', { registryAuth: [{ address: 'europe-west1-docker.pkg.dev', configFile: '~/.docker/config.json' }] });
      api(scope, { existingRepository: repository, dockerProvider: provider });
    });
    expect(resourcesOf(tf, 'google_artifact_registry_repository')).toHaveLength(1);
    expect(tf.provider.docker).toHaveLength(1);
    expect(tf.provider.docker[0].alias).toBeUndefined();
    expect(only(tf, 'docker_image').provider).toBe('docker');
    expect(only(tf, 'docker_image').name).toMatch(
      /^\$\{google_artifact_registry_repository\.Shared\.location\}-docker\.pkg\.dev\/\$\{google_artifact_registry_repository\.Shared\.project\}\/\$\{google_artifact_registry_repository\.Shared\.repository_id\}\/orders-api:ctx-/,
    );
  });

  it('asks a pipeline to enable the Artifact Registry API, and the push waits for it', () => {
    const { tf } = synth((scope) => new AnalyticsPipeline(scope, 'Orders', {
      name: 'orders', schema: orders, image: ServiceImage.fromBundledService({ serviceDirectory: FIXTURE }), api: { region: 'europe-west1' },
    }));
    const services = resourcesOf(tf, 'google_project_service').map((r: Json) => r.service);
    expect(services).toContain('artifactregistry.googleapis.com');
    const artifactApi = Object.entries(tf.resource.google_project_service).find(([, r]: [string, Json]) => r.service === 'artifactregistry.googleapis.com')![0];
    expect(only(tf, 'docker_registry_image').depends_on).toEqual([`google_project_service.${artifactApi}`]);
    expect(only(tf, 'google_artifact_registry_repository').depends_on).toEqual([`google_project_service.${artifactApi}`]);
    // The build needs the local Docker engine only.
    expect(only(tf, 'docker_image').depends_on).toBeUndefined();
  });

  it('serves several services of one stack from one image, and refuses a second stack', () => {
    const app = Testing.app();
    const image = ServiceImage.fromBundledService({ serviceDirectory: FIXTURE });
    const first = new TerraformStack(app, 'first');
    const bind = (stack: TerraformStack, id: string) =>
      new QueryApi(stack, id, { name: id.toLowerCase(), image, region: 'europe-west1', table: new AnalyticsTable(stack, `${id}Table`, { name: id.toLowerCase(), schema: orders }) });
    bind(first, 'Orders');
    bind(first, 'Returns');
    const tf = JSON.parse(Testing.synth(first));
    expect(resourcesOf(tf, 'docker_image')).toHaveLength(1);
    const images = resourcesOf(tf, 'google_cloud_run_v2_service').map((s: Json) => s.template.containers[0].image);
    expect(images[0]).toBe(images[1]);
    expect(() => bind(new TerraformStack(app, 'second'), 'Other')).toThrow(/one image can serve services of one stack only/);
  });

  it('fails when the bundle has not been built', () => {
    expect(() => ServiceImage.fromBundledService({ serviceDirectory: path.join(FIXTURE, 'missing') }))
      .toThrow(/serviceDirectory ".*missing" does not exist: run `npm run build:service` first/);
  });

  it('fails when the bundle holds no Dockerfile', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    try {
      fs.writeFileSync(path.join(dir, 'server.js'), '');
      expect(() => ServiceImage.fromBundledService({ serviceDirectory: dir })).toThrow(/holds no Dockerfile/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when several options are invalid, listing each once', () => {
    let message = '';
    try {
      ServiceImage.fromBundledService({
        serviceDirectory: FIXTURE,
        imageName: 'Orders API',
        existingRepository: { location: 'europe-west1', repositoryId: 'shared' },
        repository: { repositoryId: '9-images', keepVersions: 0, deleteUntaggedAfterDays: 1.5, deleteAfterDays: 4000 },
        platform: 'amd64',
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe([
      'invalid ServiceImage.fromBundledService options:',
      '  - imageName must be lowercase letters and digits separated by ., _, - or /, got "Orders API"',
      '  - existingRepository and repository must not both be set: push to an existing repository or configure the one created',
      '  - repository.repositoryId must be 1 to 63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got "9-images"',
      '  - repository.keepVersions must be an integer between 1 and 1000, got 0',
      '  - repository.deleteUntaggedAfterDays must be an integer between 1 and 3650, got 1.5',
      '  - repository.deleteAfterDays must be an integer between 1 and 3650, got 4000',
      '  - platform must be os/architecture such as linux/amd64, got "amd64"',
    ].join('\n'));
  });

  it('fails with an install hint when the optional @cdktf/provider-docker is missing', () => {
    const restore = _setDockerModuleLoader(() => {
      // What require() throws for an absent package.
      const error = new Error("Cannot find module '@cdktf/provider-docker/lib/image'") as NodeJS.ErrnoException;
      error.code = 'MODULE_NOT_FOUND';
      throw error;
    });
    try {
      expect(() => ServiceImage.fromBundledService({ serviceDirectory: FIXTURE }))
        .toThrow(/needs the optional peer dependency @cdktf\/provider-docker, which is not installed: run `npm install @cdktf\/provider-docker@\^12\.0\.3`/);
    } finally {
      restore();
    }
    expect(() => ServiceImage.fromBundledService({ serviceDirectory: FIXTURE })).not.toThrow();
  });

  it('passes other loading errors through', () => {
    const restore = _setDockerModuleLoader(() => {
      throw new Error('provider-docker is corrupted');
    });
    try {
      expect(() => ServiceImage.fromBundledService({ serviceDirectory: FIXTURE })).toThrow(/^provider-docker is corrupted$/);
    } finally {
      restore();
    }
  });

  it('fails at synth when the image is never given to a service', () => {
    const stack = new TerraformStack(Testing.app(), 'unbound');
    const image = ServiceImage.fromBundledService({ serviceDirectory: FIXTURE });
    new CloudRunV2Service(stack, 'Raw', { name: 'raw', location: 'europe-west1', template: { containers: [{ image: image.imageUri }] } });
    expect(() => Testing.synth(stack)).toThrow(/the image was never bound to a service/);
  });
});
