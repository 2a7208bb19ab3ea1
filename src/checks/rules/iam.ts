import { defineRule, iamGrants } from '../attributes';
import { RuleLevel } from '../rule';

const IAM_TYPES = ['google_*_iam_member', 'google_*_iam_binding', 'google_*_iam_policy'];
const PRIMITIVE_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'];

/** Basic roles anywhere. */
export const iamPrimitiveRole = defineRule({
  id: 'iam-primitive-role',
  level: RuleLevel.ERROR,
  suppressible: false,
  explanation:
    'Owner, Editor and Viewer are basic roles: thousands of permissions across every service, far beyond what any part of a pipeline needs. A leaked key with Editor can read, change or delete everything in the project.',
  fix: 'Grant the predefined role for the task, on the resource it concerns (e.g. roles/bigquery.dataViewer on one dataset, roles/pubsub.publisher on one topic).',
  resourceTypes: IAM_TYPES,
  check: (resource) =>
    iamGrants(resource)
      .filter(({ role }) => PRIMITIVE_ROLES.includes(role))
      .map(({ role, members }) => `${role} is granted to ${members.join(', ') || 'its members'}`),
});

/** Roles that have a resource-level grant, and the resource to grant them on instead. */
const SCOPABLE_ROLES: { [role: string]: string } = {
  'roles/bigquery.dataViewer': 'google_bigquery_dataset_iam_member (or google_bigquery_table_iam_member)',
  'roles/bigquery.dataEditor': 'google_bigquery_dataset_iam_member (or google_bigquery_table_iam_member)',
  'roles/bigquery.dataOwner': 'google_bigquery_dataset_iam_member',
  'roles/pubsub.publisher': 'google_pubsub_topic_iam_member',
  'roles/pubsub.subscriber': 'google_pubsub_subscription_iam_member',
  'roles/pubsub.viewer': 'google_pubsub_topic_iam_member or google_pubsub_subscription_iam_member',
  'roles/pubsub.editor': 'google_pubsub_topic_iam_member or google_pubsub_subscription_iam_member',
  'roles/run.invoker': 'google_cloud_run_v2_service_iam_member',
  'roles/run.developer': 'google_cloud_run_v2_service_iam_member',
  'roles/storage.objectViewer': 'google_storage_bucket_iam_member',
  'roles/storage.objectCreator': 'google_storage_bucket_iam_member',
  'roles/storage.objectAdmin': 'google_storage_bucket_iam_member',
  'roles/secretmanager.secretAccessor': 'google_secret_manager_secret_iam_member',
  'roles/artifactregistry.reader': 'google_artifact_registry_repository_iam_member',
  'roles/artifactregistry.writer': 'google_artifact_registry_repository_iam_member',
  'roles/iam.serviceAccountUser': 'google_service_account_iam_member',
  'roles/iam.serviceAccountTokenCreator': 'google_service_account_iam_member',
};

/** A project-, folder- or organization-wide grant of a role that can be granted on the one resource that needs it. */
export const iamProjectWideGrant = defineRule({
  id: 'iam-project-wide-grant',
  level: RuleLevel.WARNING,
  explanation:
    'A data or messaging role granted on the project reaches every dataset, topic, subscription or service in it, including those of other pipelines and the dead letters; the same role on one resource gives only what the principal needs.',
  fix: 'Grant the role on the resource instead (the message names the IAM resource type to use). Roles with no resource-level grant, such as roles/bigquery.jobUser, are not reported.',
  resourceTypes: [
    'google_project_iam_member',
    'google_project_iam_binding',
    'google_folder_iam_member',
    'google_folder_iam_binding',
    'google_organization_iam_member',
    'google_organization_iam_binding',
  ],
  check: (resource) =>
    iamGrants(resource)
      .filter(({ role }) => typeof role === 'string' && role in SCOPABLE_ROLES)
      .map(({ role }) => `${role} is granted on the whole ${resource.type.split('_')[1]}; grant it with ${SCOPABLE_ROLES[role]}`),
});

/** Every IAM rule. */
export const iamRules = [iamPrimitiveRole, iamProjectWideGrant];
