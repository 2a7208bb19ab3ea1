import { block, defineRule, isUnset, path, refersTo } from '../attributes';
import { CheckedResource, RuleLevel, StackView } from '../rule';

/** Where each resource type names its customer-managed key. */
const KEY_LOCATIONS: { [type: string]: string[] } = {
  google_pubsub_topic: ['kms_key_name'],
  google_bigquery_dataset: ['default_encryption_configuration', 'kms_key_name'],
  google_bigquery_table: ['encryption_configuration', 'kms_key_name'],
  google_cloud_run_v2_service: ['template', 'encryption_key'],
  google_cloud_run_v2_job: ['template', 'template', 'encryption_key'],
  google_storage_bucket: ['encryption', 'default_kms_key_name'],
  google_artifact_registry_repository: ['kms_key_name'],
};

/** Data encrypted with Google-managed keys only. */
export const encryptionCmek = defineRule({
  id: 'encryption-cmek',
  level: RuleLevel.INFO,
  explanation:
    'Google encrypts everything at rest with keys it manages. A customer-managed key (Cloud KMS) adds control over rotation, access and crypto-shredding that some compliance regimes require; it also adds a key to run and a dependency that can make data unreadable if the key is disabled. A choice, not a defect.',
  fix: 'Where policy requires it, set the resource\'s KMS key (kms_key_name, default_encryption_configuration, encryption_key) and grant the service agent roles/cloudkms.cryptoKeyEncrypterDecrypter on the key.',
  resourceTypes: Object.keys(KEY_LOCATIONS),
  check: (resource, stack) => {
    if (!isUnset(path(resource.attributes, ...KEY_LOCATIONS[resource.type]))) return [];
    if (resource.type === 'google_bigquery_table') {
      if (block(resource.attributes.view) !== undefined || block(resource.attributes.materialized_view) !== undefined) return [];
      if (datasetHasDefaultKey(resource, stack)) return [];
    }
    return [`no customer-managed key (${KEY_LOCATIONS[resource.type].join('.')})`];
  },
});

/** Every encryption rule. */
export const encryptionRules = [encryptionCmek];

function datasetHasDefaultKey(table: CheckedResource, stack: StackView): boolean {
  return stack
    .ofType('google_bigquery_dataset')
    .some((d) => refersTo(table.attributes.dataset_id, d, stack, 'dataset_id') && !isUnset(path(d.attributes, 'default_encryption_configuration', 'kms_key_name')));
}
