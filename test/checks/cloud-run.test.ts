import { CloudRunService } from '@cdktf/provider-google/lib/cloud-run-service';
import { CloudRunV2Service, CloudRunV2ServiceTemplateContainers } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamBinding } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-binding';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { CloudRunV2ServiceIamPolicy } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-policy';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { TerraformStack } from 'cdktf';
import { findingsOf, PINNED_IMAGE } from './helpers';

const probes = {
  startupProbe: { httpGet: { path: '/healthz' } },
  livenessProbe: { httpGet: { path: '/healthz' } },
};

/** A Cloud Run v2 service that passes every Cloud Run rule, with overrides. */
function service(stack: TerraformStack, overrides: { container?: Partial<CloudRunV2ServiceTemplateContainers>; maxInstances?: number; invokerIamDisabled?: boolean } = {}) {
  return new CloudRunV2Service(stack, 'Service', {
    name: 'api',
    location: 'europe-west1',
    labels: { pipeline: 'p' },
    invokerIamDisabled: overrides.invokerIamDisabled,
    template: {
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
    ['europe-docker.pkg.dev/acme/apis/api', 'has neither a tag nor a digest'],
    ['localhost:5000/api', 'has neither a tag nor a digest'],
  ])('fails when the image is %s', (image, problem) => {
    expect(findingsOf('run-image-pinned', (stack) => service(stack, { container: { image } }))).toEqual([
      ['google_cloud_run_v2_service.Service', `container 0: image ${image} ${problem}`],
    ]);
  });

  it.each([PINNED_IMAGE, 'europe-docker.pkg.dev/acme/apis/api:1.4.2', 'localhost:5000/api:2', 'europe-docker.pkg.dev/acme/apis/api:${var.tag}'])(
    'passes %s',
    (image) => {
      expect(findingsOf('run-image-pinned', (stack) => service(stack, { container: { image } }))).toEqual([]);
    },
  );
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
