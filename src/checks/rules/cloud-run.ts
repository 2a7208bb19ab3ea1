import { block, Block, blocks, defineRule, iamGrants, isExpression, isTrue, isUnset, path, Value } from '../attributes';
import { CheckedResource, RuleLevel } from '../rule';

const PUBLIC_MEMBERS = ['allUsers', 'allAuthenticatedUsers'];
const SERVICE_V2 = 'google_cloud_run_v2_service';
const SERVICE_V1 = 'google_cloud_run_service';
const JOB_V2 = 'google_cloud_run_v2_job';

/** Anyone on the internet (or any Google account) can call the service. */
export const runPublicInvoker = defineRule({
  id: 'run-public-invoker',
  level: RuleLevel.ERROR,
  explanation:
    'allUsers, allAuthenticatedUsers or invoker_iam_disabled let anyone call the service: every request can read the exposed data and run billed BigQuery queries.',
  fix: 'Grant roles/run.invoker to the callers\' service accounts or groups only; if the API is public on purpose, suppress with the reason (who decided, and why the data may be public).',
  resourceTypes: [
    'google_cloud_run_v2_service_iam_*',
    'google_cloud_run_service_iam_*',
    'google_project_iam_member',
    'google_project_iam_binding',
    SERVICE_V2,
  ],
  check: (resource) => {
    if (resource.type === SERVICE_V2) {
      return isTrue(resource.attributes.invoker_iam_disabled)
        ? ['invoker_iam_disabled = true: Cloud Run skips the IAM check, so the service is public']
        : [];
    }
    const projectLevel = resource.type.startsWith('google_project_');
    return iamGrants(resource).flatMap(({ role, members }) => {
      if (projectLevel && role !== 'roles/run.invoker') return [];
      return members.filter((m) => PUBLIC_MEMBERS.includes(m)).map((m) => `${m} is granted ${role}`);
    });
  },
});

/** A Cloud Run service without an upper bound on instances. */
export const runMaxInstances = defineRule({
  id: 'run-max-instances',
  level: RuleLevel.WARNING,
  explanation:
    'Without a maximum, a traffic spike (or an attack) scales the service, and the BigQuery queries it runs, without bound: cost and quota exhaustion instead of back-pressure.',
  fix: 'Set template.scaling.max_instance_count (QueryApi: maxInstances) to what the budget and BigQuery quotas allow.',
  resourceTypes: [SERVICE_V2, SERVICE_V1],
  check: (resource) => {
    const attrs = resource.attributes;
    if (resource.type === SERVICE_V1) {
      const annotations = path(attrs, 'template', 'metadata', 'annotations') ?? {};
      return isUnset(annotations['autoscaling.knative.dev/maxScale'])
        ? ['template.metadata.annotations has no autoscaling.knative.dev/maxScale']
        : [];
    }
    if (path(attrs, 'scaling', 'scaling_mode') === 'MANUAL') return [];
    const max = path(attrs, 'template', 'scaling', 'max_instance_count') ?? path(attrs, 'scaling', 'max_instance_count');
    return isUnset(max) || max === 0 ? ['template.scaling.max_instance_count is not set'] : [];
  },
});

/** A container image that is not pinned by tag or digest. */
export const runImagePinned = defineRule({
  id: 'run-image-pinned',
  level: RuleLevel.WARNING,
  explanation:
    'An image without a tag, or tagged :latest, can change under the same configuration: a re-deploy or a new revision silently runs different code, and a rollback cannot name what ran before.',
  fix: 'Reference the image by digest (repo/image@sha256:...), or at least by an immutable version tag.',
  resourceTypes: [SERVICE_V2, SERVICE_V1, JOB_V2],
  check: (resource) =>
    containersOf(resource).flatMap((container, index) => {
      const problem = imagePinProblem(container.image);
      return problem ? [`container ${container.name ?? index}: image ${container.image} ${problem}`] : [];
    }),
});

/** A serving container without explicit startup and liveness probes. */
export const runProbes = defineRule({
  id: 'run-probes',
  level: RuleLevel.WARNING,
  explanation:
    'Without a startup probe Cloud Run only waits for the port to open, so traffic reaches instances that are not ready; without a liveness probe a wedged instance keeps receiving requests until it is replaced for other reasons.',
  fix: 'Give the serving container an HTTP startup_probe and liveness_probe on a health path (QueryApi sets both on /healthz).',
  resourceTypes: [SERVICE_V2, SERVICE_V1],
  check: (resource) => {
    const containers = containersOf(resource);
    const serving = containers.length === 1 ? containers : containers.filter((c) => block(c.ports) !== undefined);
    return serving.flatMap((container, index) => {
      const missing = ['startup_probe', 'liveness_probe'].filter((probe) => block(container[probe]) === undefined);
      return missing.length > 0 ? [`container ${container.name ?? index} has no ${missing.join(' and no ')}`] : [];
    });
  },
});

/** Every Cloud Run rule. */
export const cloudRunRules = [runPublicInvoker, runMaxInstances, runImagePinned, runProbes];

function containersOf(resource: CheckedResource): Block[] {
  const attrs = resource.attributes;
  if (resource.type === SERVICE_V1) return blocks(path(attrs, 'template', 'spec', 'containers'));
  if (resource.type === JOB_V2) return blocks(path(attrs, 'template', 'template', 'containers'));
  return blocks(path(attrs, 'template', 'containers'));
}

/** Why an image reference is not pinned, or undefined when it is (or cannot be known at synth time). */
export function imagePinProblem(image: Value): string | undefined {
  if (typeof image !== 'string' || image === '') return undefined;
  if (image.includes('@')) return undefined;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  if (isExpression(lastSegment)) return undefined;
  const colon = lastSegment.indexOf(':');
  // A colon before the last slash is a registry port (localhost:5000/api), not a tag.
  if (colon < 0) return 'has neither a tag nor a digest';
  return lastSegment.slice(colon + 1) === 'latest' ? 'uses the :latest tag' : undefined;
}
