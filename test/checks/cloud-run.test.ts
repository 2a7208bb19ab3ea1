import { CloudRunService } from '@cdktf/provider-google/lib/cloud-run-service';
import { CloudRunV2Job } from '@cdktf/provider-google/lib/cloud-run-v2-job';
import { CloudRunV2Service, CloudRunV2ServiceTemplateContainers } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamBinding } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-binding';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { CloudRunV2ServiceIamPolicy } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-policy';
import { DataGoogleComputeDefaultServiceAccount } from '@cdktf/provider-google/lib/data-google-compute-default-service-account';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { TerraformStack } from 'cdktf';
import { findingsOf, PINNED_IMAGE } from './helpers';

const probes = {
  startupProbe: { httpGet: { path: '/healthz' } },
  livenessProbe: { httpGet: { path: '/healthz' } },
};

const API_ACCOUNT = 'api@acme.iam.gserviceaccount.com';

/** A Cloud Run v2 service that passes every Cloud Run rule, with overrides. */
function service(
  stack: TerraformStack,
  overrides: { container?: Partial<CloudRunV2ServiceTemplateContainers>; maxInstances?: number; invokerIamDisabled?: boolean; serviceAccount?: string } = {},
) {
  return new CloudRunV2Service(stack, 'Service', {
    name: 'api',
    location: 'europe-west1',
    labels: { pipeline: 'p' },
    invokerIamDisabled: overrides.invokerIamDisabled,
    template: {
      serviceAccount: 'serviceAccount' in overrides ? overrides.serviceAccount : API_ACCOUNT,
      scaling: { maxInstanceCount: 'maxInstances' in overrides ? overrides.maxInstances : 10 },
      containers: [{ image: PINNED_IMAGE, ...probes, ...overrides.container }],
    },
  });
}

describe('run-public-invoker', () => {
  it('fails when allUsers or allAuthenticatedUsers may invoke the service', () => {
    const found = findingsOf('run-public-invoker', (stack) => {
      const s = service(stack);
      new CloudRunV2ServiceIamMember(stack, 'Public', { name: s.name, location: s.location, role: 'roles/run.invoker', member: 'allUsers' });
      new CloudRunV2ServiceIamBinding(stack, 'Authenticated', { name: s.name, location: s.location, role: 'roles/run.invoker', members: ['group:a@acme.com', 'allAuthenticatedUsers'] });
      new ProjectIamMember(stack, 'ProjectWide', { project: 'acme', role: 'roles/run.invoker', member: 'allUsers' });
      new CloudRunV2ServiceIamPolicy(stack, 'Policy', {
        name: s.name,
        location: s.location,
        policyData: JSON.stringify({ bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] }),
      });
    });
    expect(found).toEqual([
      ['google_cloud_run_v2_service_iam_member.Public', 'allUsers is granted roles/run.invoker'],
      ['google_cloud_run_v2_service_iam_binding.Authenticated', 'allAuthenticatedUsers is granted roles/run.invoker'],
      ['google_project_iam_member.ProjectWide', 'allUsers is granted roles/run.invoker'],
      ['google_cloud_run_v2_service_iam_policy.Policy', 'allUsers is granted roles/run.invoker'],
    ]);
  });

  it('fails when invoker_iam_disabled is true', () => {
    expect(findingsOf('run-public-invoker', (stack) => service(stack, { invokerIamDisabled: true }))).toEqual([
      ['google_cloud_run_v2_service.Service', expect.stringMatching(/invoker_iam_disabled = true/)],
    ]);
  });

  it('passes invokers that are named principals', () => {
    expect(
      findingsOf('run-public-invoker', (stack) => {
        const s = service(stack, { invokerIamDisabled: false });
        new CloudRunV2ServiceIamMember(stack, 'Partner', { name: s.name, location: s.location, role: 'roles/run.invoker', member: 'serviceAccount:partner@acme.iam.gserviceaccount.com' });
      }),
    ).toEqual([]);
  });
});

describe('run-max-instances', () => {
  it('fails when the service has no maximum instance count', () => {
    expect(findingsOf('run-max-instances', (stack) => service(stack, { maxInstances: undefined }))).toEqual([
      ['google_cloud_run_v2_service.Service', 'template.scaling.max_instance_count is not set'],
    ]);
  });

  it('fails when a v1 service has no maxScale annotation', () => {
    expect(
      findingsOf('run-max-instances', (stack) => new CloudRunService(stack, 'V1', { name: 'v1', location: 'europe-west1', template: { spec: { containers: [{ image: PINNED_IMAGE }] } } })),
    ).toEqual([['google_cloud_run_service.V1', expect.stringMatching(/maxScale/)]]);
  });

  it('passes a bounded service', () => {
    expect(findingsOf('run-max-instances', (stack) => service(stack, { maxInstances: 5 }))).toEqual([]);
  });
});

describe('run-image-pinned', () => {
  it.each([
    ['europe-docker.pkg.dev/acme/apis/api:latest', 'uses the :latest tag'],
    ['europe-docker.pkg.dev/acme/apis/api', 'has neither a tag nor a digest, so it runs whatever :latest is at deploy time'],
    ['localhost:5000/api', 'has neither a tag nor a digest, so it runs whatever :latest is at deploy time'],
    ['europe-docker.pkg.dev/acme/apis/api:1.4.2', 'uses the tag 1.4.2, which can be moved to another image, and no digest'],
    ['localhost:5000/api:2', 'uses the tag 2, which can be moved to another image, and no digest'],
    ['europe-docker.pkg.dev/acme/apis/api:${var.tag}', 'uses the tag ${var.tag}, which can be moved to another image, and no digest'],
  ])('fails when the image is %s', (image, problem) => {
    expect(findingsOf('run-image-pinned', (stack) => service(stack, { container: { image } }))).toEqual([
      ['google_cloud_run_v2_service.Service', `container 0: image ${image} ${problem}`],
    ]);
  });

  it.each([PINNED_IMAGE, `europe-docker.pkg.dev/acme/apis/api:1.4.2@sha256:${'b'.repeat(64)}`, '${var.image}', 'europe-docker.pkg.dev/acme/apis/${var.image}'])(
    'passes %s (a digest, or an image that is an expression)',
    (image) => {
      expect(findingsOf('run-image-pinned', (stack) => service(stack, { container: { image } }))).toEqual([]);
    },
  );
});

describe('run-default-service-account', () => {
  it('fails a service that names no account, or the default compute account literally or through its data source', () => {
    expect(findingsOf('run-default-service-account', (stack) => service(stack, { serviceAccount: undefined }))).toEqual([
      ['google_cloud_run_v2_service.Service', 'template.service_account is not set, so it runs as the Compute Engine default service account'],
    ]);
    expect(findingsOf('run-default-service-account', (stack) => service(stack, { serviceAccount: '123-compute@developer.gserviceaccount.com' }))).toEqual([
      ['google_cloud_run_v2_service.Service', 'template.service_account is the default service account 123-compute@developer.gserviceaccount.com'],
    ]);
    expect(
      findingsOf('run-default-service-account', (stack) => {
        service(stack, { serviceAccount: new DataGoogleComputeDefaultServiceAccount(stack, 'ComputeDefault').email });
      }),
    ).toEqual([['google_cloud_run_v2_service.Service', expect.stringMatching(/^template\.service_account is the default service account \$\{data\.google_compute_default_service_account\.ComputeDefault\.email\}$/)]]);
  });

  it('fails a v1 service and a job without an account', () => {
    expect(
      findingsOf('run-default-service-account', (stack) => {
        new CloudRunService(stack, 'V1', { name: 'v1', location: 'europe-west1', template: { spec: { containers: [{ image: PINNED_IMAGE }] } } });
        new CloudRunV2Job(stack, 'Job', { name: 'job', location: 'europe-west1', template: { template: { containers: [{ image: PINNED_IMAGE }] } } });
      }),
    ).toEqual([
      ['google_cloud_run_service.V1', 'template.spec.service_account_name is not set, so it runs as the Compute Engine default service account'],
      ['google_cloud_run_v2_job.Job', 'template.template.service_account is not set, so it runs as the Compute Engine default service account'],
    ]);
  });

  it('passes a dedicated account, literal or referenced', () => {
    expect(findingsOf('run-default-service-account', (stack) => service(stack))).toEqual([]);
    expect(findingsOf('run-default-service-account', (stack) => service(stack, { serviceAccount: '${google_service_account.api.email}' }))).toEqual([]);
  });
});

describe('run-plaintext-secret-env', () => {
  const secretRef = { secretKeyRef: { secret: 'db-password', version: 'latest' } };

  it('fails credentials passed as plain values, literal or from an expression', () => {
    const env = [
      { name: 'DB_PASSWORD', value: 'hunter2' },
      { name: 'STRIPE_API_KEY', value: '${var.stripe_key}' },
      { name: 'githubToken', value: 'ghp_x' },
      { name: 'CLIENT_SECRET', value: 's' },
    ];
    expect(findingsOf('run-plaintext-secret-env', (stack) => service(stack, { container: { name: 'api', env } }))).toEqual(
      env.map((e) => ['google_cloud_run_v2_service.Service', `container api: env ${e.name} is set with a plain value instead of a secret_key_ref`]),
    );
  });

  it('fails a v1 service too', () => {
    expect(
      findingsOf('run-plaintext-secret-env', (stack) => {
        new CloudRunService(stack, 'V1', { name: 'v1', location: 'europe-west1', template: { spec: { containers: [{ image: PINNED_IMAGE, env: [{ name: 'API_TOKEN', value: 't' }] }] } } });
      }),
    ).toEqual([['google_cloud_run_service.V1', 'container 0: env API_TOKEN is set with a plain value instead of a secret_key_ref']]);
  });

  it('passes secrets from Secret Manager, names that refer to a secret, and ordinary settings', () => {
    const env = [
      { name: 'DB_PASSWORD', valueSource: secretRef },
      { name: 'SECRET_NAME', value: 'db-password' },
      { name: 'TOKEN_AUDIENCE', value: 'https://api.example.com' },
      { name: 'API_KEY_HEADER', value: 'x-api-key' },
      { name: 'STORE', value: 'bigquery' },
      { name: 'EMPTY_TOKEN', value: '' },
    ];
    expect(findingsOf('run-plaintext-secret-env', (stack) => service(stack, { container: { env } }))).toEqual([]);
  });
});

describe('run-probes', () => {
  it('fails when the container has no startup or liveness probe', () => {
    expect(
      findingsOf('run-probes', (stack) => service(stack, { container: { startupProbe: undefined, livenessProbe: undefined, name: 'api' } })),
    ).toEqual([['google_cloud_run_v2_service.Service', 'container api has no startup_probe and no liveness_probe']]);
    expect(findingsOf('run-probes', (stack) => service(stack, { container: { livenessProbe: undefined } }))).toEqual([
      ['google_cloud_run_v2_service.Service', 'container 0 has no liveness_probe'],
    ]);
  });

  it('passes a container with both probes', () => {
    expect(findingsOf('run-probes', (stack) => service(stack))).toEqual([]);
  });
});
