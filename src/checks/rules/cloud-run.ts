import { block, Block, blocks, defineRule, iamGrants, isExpression, isPublicMember, isTrue, isUnset, path, Value } from '../attributes';
import { CheckedResource, RuleLevel } from '../rule';
import { isDefaultServiceAccount, WIDE_IAM_TYPES } from './iam-roles';

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
    ...WIDE_IAM_TYPES,
    SERVICE_V2,
  ],
  check: (resource, stack) => {
    if (resource.type === SERVICE_V2) {
      return isTrue(resource.attributes.invoker_iam_disabled)
        ? ['invoker_iam_disabled = true: Cloud Run skips the IAM check, so the service is public']
        : [];
    }
    const wide = WIDE_IAM_TYPES.includes(resource.type);
    return iamGrants(resource, stack).flatMap(({ role, members }) => {
      if (wide && role !== 'roles/run.invoker') return [];
      return members.filter(isPublicMember).map((m) => `${m} is granted ${role}`);
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

/** A container image that is not pinned by digest. */
export const runImagePinned = defineRule({
  id: 'run-image-pinned',
  level: RuleLevel.WARNING,
  explanation:
    'A tag is a movable name: :latest, no tag at all (which means :latest) and any version tag can be pointed at another image by whoever may push to the repository. Cloud Run resolves the tag when it creates a revision, so the next revision (any configuration change, a redeploy) silently runs different code, and a rollback cannot name what ran before. Only a digest names one image.',
  fix: 'Reference the image by digest (repo/image@sha256:..., a tag may stay in front: repo/image:1.4.2@sha256:...); CI passes the digest it pushed.',
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

/** A service or job that runs as the Compute Engine default service account. */
export const runDefaultServiceAccount = defineRule({
  id: 'run-default-service-account',
  level: RuleLevel.ERROR,
  explanation:
    'Without a service account Cloud Run runs as the Compute Engine default service account, which often holds Editor on the project and is shared by every VM, node and function that names no account: the service (and anyone who gets code execution in it) gets all of that, and its grants cannot be told apart from theirs.',
  fix: 'Create a service account for the service, grant it only what it needs on the resources it reads (QueryApi does: a dedicated account with dataViewer on the view dataset and jobUser), and set template.service_account.',
  resourceTypes: [SERVICE_V2, SERVICE_V1, JOB_V2],
  check: (resource, stack) => {
    const account = serviceAccountOf(resource);
    const attribute = resource.type === SERVICE_V1 ? 'template.spec.service_account_name' : resource.type === JOB_V2 ? 'template.template.service_account' : 'template.service_account';
    if (isUnset(account)) return [`${attribute} is not set, so it runs as the Compute Engine default service account`];
    if (isDefaultServiceAccount(account, stack)) return [`${attribute} is the default service account ${account}`];
    return [];
  },
});

/** A secret passed to a container as a plain environment value. */
export const runPlaintextSecretEnv = defineRule({
  id: 'run-plaintext-secret-env',
  level: RuleLevel.ERROR,
  explanation:
    'An environment variable set with value is stored in plain text in the service configuration and in every revision: anyone with run.services.get (roles/run.viewer) reads it, it is in the Terraform state and plan output, and rotating it means a new revision. Names like *PASSWORD*, *SECRET*, *TOKEN* or *API_KEY* hold exactly such values.',
  fix: 'Store the value in Secret Manager and reference it with value_source.secret_key_ref (v1: value_from.secret_key_ref), granting the service account roles/secretmanager.secretAccessor on that secret. Names ending in _NAME, _ID, _PATH, _FILE, _URL, _URI, _HEADER, _VERSION, _TTL, _AUDIENCE or _ISSUER are taken as references, not secrets.',
  resourceTypes: [SERVICE_V2, SERVICE_V1, JOB_V2],
  check: (resource) =>
    containersOf(resource).flatMap((container, index) =>
      blocks(container.env)
        .filter((env) => typeof env.name === 'string' && SECRET_NAME.test(env.name) && !REFERENCE_NAME.test(env.name) && !isUnset(env.value))
        .map((env) => `container ${container.name ?? index}: env ${env.name} is set with a plain value instead of a secret_key_ref`),
    ),
});

/** Every Cloud Run rule. */
export const cloudRunRules = [runPublicInvoker, runDefaultServiceAccount, runPlaintextSecretEnv, runMaxInstances, runImagePinned, runProbes];

/** Environment variable names that hold credentials. */
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL/i;

/** Names that point at a secret (its name, id, file or header) rather than holding it. */
const REFERENCE_NAME = /_(NAME|ID|PATH|FILE|URL|URI|HEADER|VERSION|TTL|AUDIENCE|ISSUER)$/i;

function serviceAccountOf(resource: CheckedResource): Value {
  const attrs = resource.attributes;
  if (resource.type === SERVICE_V1) return path(attrs, 'template', 'spec', 'service_account_name');
  if (resource.type === JOB_V2) return path(attrs, 'template', 'template', 'service_account');
  return path(attrs, 'template', 'service_account');
}

function containersOf(resource: CheckedResource): Block[] {
  const attrs = resource.attributes;
  if (resource.type === SERVICE_V1) return blocks(path(attrs, 'template', 'spec', 'containers'));
  if (resource.type === JOB_V2) return blocks(path(attrs, 'template', 'template', 'containers'));
  return blocks(path(attrs, 'template', 'containers'));
}

/** Why an image reference is not pinned by digest, or undefined when it is (or cannot be known at synth time). */
export function imagePinProblem(image: Value): string | undefined {
  if (typeof image !== 'string' || image === '' || image.includes('@')) return undefined;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  // A colon before the last slash is a registry port (localhost:5000/api), not a tag.
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return isExpression(lastSegment) ? undefined : 'has neither a tag nor a digest, so it runs whatever :latest is at deploy time';
  const tag = lastSegment.slice(colon + 1);
  if (tag === 'latest') return 'uses the :latest tag';
  return `uses the tag ${tag}, which can be moved to another image, and no digest`;
}
