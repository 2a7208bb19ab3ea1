/** Role lists, IAM resource types and default accounts the IAM rules share. */

import { isExpression, Value } from '../attributes';
import { StackView } from '../rule';

/** IAM resources whose grants reach a whole project, folder or organization. */
export const WIDE_IAM_TYPES: string[] = ['project', 'folder', 'organization'].flatMap((scope) =>
  ['member', 'binding', 'policy'].map((form) => `google_${scope}_iam_${form}`),
);

/** The Compute Engine and App Engine default service accounts, by checkov's pattern for CKV_GCP_46. */
const DEFAULT_SERVICE_ACCOUNT = /-compute@developer\.gserviceaccount\.com|@appspot\.gserviceaccount\.com/;

/** Data sources that stand for those accounts. */
const DEFAULT_SERVICE_ACCOUNT_SOURCES: ReadonlySet<string> = new Set(['google_compute_default_service_account', 'google_app_engine_default_service_account']);

/**
 * Whether an account or IAM member is a default service account: literally, or through a reference to its data source
 * (`serviceAccount:${data.google_compute_default_service_account.x.email}`).
 */
export function isDefaultServiceAccount(account: Value, stack: StackView): boolean {
  if (typeof account !== 'string') return false;
  if (!isExpression(account)) return DEFAULT_SERVICE_ACCOUNT.test(account);
  const source = stack.referencedDataSource(account)?.type;
  return source !== undefined && DEFAULT_SERVICE_ACCOUNT_SOURCES.has(source);
}

/** Basic roles: every permission of (almost) every service. */
export const BASIC_ROLES: ReadonlySet<string> = new Set(['roles/owner', 'roles/editor', 'roles/viewer']);

/**
 * Roles that let their holder act as a service account (mint its tokens, attach it, change its keys or its policy),
 * so that a project-wide grant reaches every service account of the project and whatever those may do. Checkov's list
 * (`AbsGoogleImpersonationRoles`, used by CKV_GCP_49; checkov commit 03d5fda), in its order, without the basic roles
 * that `iam-primitive-role` reports.
 */
const IMPERSONATION_ROLES: ReadonlySet<string> = new Set([
  'roles/iam.securityAdmin', 'roles/iam.serviceAccountAdmin', 'roles/iam.serviceAccountKeyAdmin',
  'roles/iam.serviceAccountUser', 'roles/iam.serviceAccountTokenCreator', 'roles/iam.workloadIdentityUser',
  'roles/dataflow.developer', 'roles/serverless.serviceAgent', 'roles/dataproc.serviceAgent',
  'roles/deploymentmanager.editor', 'roles/cloudbuild.builds.editor', 'roles/aiplatform.customCodeServiceAgent',
  'roles/aiplatform.extensionServiceAgent', 'roles/aiplatform.serviceAgent', 'roles/apigateway.serviceAgent',
  'roles/apigee.serviceAgent', 'roles/appengine.serviceAgent', 'roles/appengineflex.serviceAgent',
  'roles/bigquerycontinuousquery.serviceAgent', 'roles/bigquerydatatransfer.serviceAgent',
  'roles/bigqueryspark.serviceAgent', 'roles/cloudbuild.serviceAgent', 'roles/cloudconfig.serviceAgent',
  'roles/clouddeploy.serviceAgent', 'roles/cloudfunctions.serviceAgent', 'roles/cloudscheduler.serviceAgent',
  'roles/cloudtasks.serviceAgent', 'roles/composer.serviceAgent', 'roles/compute.serviceAgent',
  'roles/connectors.serviceAgent', 'roles/dataflow.serviceAgent', 'roles/eventarc.serviceAgent',
  'roles/integrations.serviceAgent', 'roles/ml.serviceAgent', 'roles/notebooks.serviceAgent',
  'roles/pubsub.serviceAgent', 'roles/run.serviceAgent', 'roles/sourcerepo.serviceAgent',
  'roles/workflows.serviceAgent', 'roles/iam.serviceAccountOpenIdTokenCreator', 'roles/aiplatform.colabServiceAgent',
  'roles/backupdr.computeEngineOperator', 'roles/backupdr.serviceAgent', 'roles/batch.serviceAgent',
  'roles/clouddeploymentmanager.serviceAgent', 'roles/cloudtpu.serviceAgent',
  'roles/compute.instanceGroupManagerServiceAgent', 'roles/configdelivery.serviceAgent',
  'roles/container.serviceAgent', 'roles/datapipelines.serviceAgent', 'roles/dataplex.serviceAgent',
  'roles/dataprep.serviceAgent', 'roles/dataproc.hubAgent', 'roles/firebaseapphosting.serviceAgent',
  'roles/firebasemods.serviceAgent', 'roles/gameservices.serviceAgent', 'roles/genomics.serviceAgent',
  'roles/krmapihosting.anthosApiEndpointServiceAgent', 'roles/krmapihosting.serviceAgent',
  'roles/lifesciences.serviceAgent', 'roles/osconfig.serviceAgent', 'roles/runapps.serviceAgent',
  'roles/securitycenter.securityResponseServiceAgent', 'roles/workstations.serviceAgent',
  'roles/securesourcemanager.serviceAgent', 'roles/assuredoss.admin', 'roles/securitycenter.admin',
  'roles/vpcaccess.serviceAgent', 'roles/cloudbuild.builds.builder', 'roles/composer.worker', 'roles/dataflow.admin',
  'roles/run.sourceDeveloper',
]);

/**
 * Administrative roles, by checkov's pattern for CKV_GCP_42 (`.*(.*Admin|.*admin|editor|owner)`, case-sensitive):
 * `roles/bigquery.admin`, `roles/resourcemanager.projectIamAdmin`, `roles/storage.objectAdmin`, `roles/pubsub.editor`,
 * `roles/datastore.owner`. `roles/bigquery.dataEditor` and `dataOwner` do not match (capitalized).
 */
const ADMIN_PATTERN = /admin|Admin|editor|owner/;

/**
 * Why a role is privileged when granted on a whole `scope` (project, folder or organization); undefined when it is not.
 */
export function privilegedRoleReason(role: unknown, scope = 'project'): string | undefined {
  if (typeof role !== 'string' || BASIC_ROLES.has(role)) return undefined;
  if (IMPERSONATION_ROLES.has(role)) return `it lets its holders act as every service account of the ${scope}`;
  if (ADMIN_PATTERN.test(role.slice(role.lastIndexOf('/') + 1))) return `it administers every resource of its service in the ${scope}`;
  return undefined;
}

/** Roles that have a resource-level grant, and the resource to grant them on instead. */
export const SCOPABLE_ROLES: { readonly [role: string]: string } = {
  'roles/bigquery.dataViewer': 'google_bigquery_dataset_iam_member (or google_bigquery_table_iam_member)',
  'roles/bigquery.dataEditor': 'google_bigquery_dataset_iam_member (or google_bigquery_table_iam_member)',
  'roles/bigquery.dataOwner': 'google_bigquery_dataset_iam_member',
  'roles/bigquery.admin': 'google_bigquery_dataset_iam_member',
  'roles/pubsub.publisher': 'google_pubsub_topic_iam_member',
  'roles/pubsub.subscriber': 'google_pubsub_subscription_iam_member',
  'roles/pubsub.viewer': 'google_pubsub_topic_iam_member or google_pubsub_subscription_iam_member',
  'roles/pubsub.editor': 'google_pubsub_topic_iam_member or google_pubsub_subscription_iam_member',
  'roles/pubsub.admin': 'google_pubsub_topic_iam_member or google_pubsub_subscription_iam_member',
  'roles/run.invoker': 'google_cloud_run_v2_service_iam_member',
  'roles/run.developer': 'google_cloud_run_v2_service_iam_member',
  'roles/run.admin': 'google_cloud_run_v2_service_iam_member',
  'roles/storage.objectViewer': 'google_storage_bucket_iam_member',
  'roles/storage.objectCreator': 'google_storage_bucket_iam_member',
  'roles/storage.objectAdmin': 'google_storage_bucket_iam_member',
  'roles/storage.admin': 'google_storage_bucket_iam_member',
  'roles/secretmanager.secretAccessor': 'google_secret_manager_secret_iam_member',
  'roles/secretmanager.admin': 'google_secret_manager_secret_iam_member',
  'roles/artifactregistry.reader': 'google_artifact_registry_repository_iam_member',
  'roles/artifactregistry.writer': 'google_artifact_registry_repository_iam_member',
  'roles/artifactregistry.admin': 'google_artifact_registry_repository_iam_member',
  'roles/cloudkms.admin': 'google_kms_crypto_key_iam_member',
  'roles/iam.serviceAccountUser': 'google_service_account_iam_member',
  'roles/iam.serviceAccountTokenCreator': 'google_service_account_iam_member',
  'roles/iam.serviceAccountAdmin': 'google_service_account_iam_member',
};

