/**
 * Checkov's own fixtures for the GCP checks docs/checks.md maps to our rules (bridgecrewio/checkov,
 * tests/terraform/checks/resource/gcp/, commit 03d5fda), rebuilt as CDKTF resources with checkov's resource names:
 * each block asserts that exactly checkov's failing resources fail the mapped rules. Where our semantics differ on
 * purpose the test says so and docs/checks.md gives the reason.
 */
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamBinding } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-binding';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { BigqueryDataset, BigqueryDatasetAccess } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryTable } from '@cdktf/provider-google/lib/bigquery-table';
import { BigqueryTableIamBinding } from '@cdktf/provider-google/lib/bigquery-table-iam-binding';
import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { CloudRunServiceIamBinding } from '@cdktf/provider-google/lib/cloud-run-service-iam-binding';
import { CloudRunServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-service-iam-member';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { KmsCryptoKeyIamBinding } from '@cdktf/provider-google/lib/kms-crypto-key-iam-binding';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsCryptoKeyIamPolicy } from '@cdktf/provider-google/lib/kms-crypto-key-iam-policy';
import { ProjectIamBinding } from '@cdktf/provider-google/lib/project-iam-binding';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamBinding } from '@cdktf/provider-google/lib/pubsub-topic-iam-binding';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { TerraformStack } from 'cdktf';
import { check } from './helpers';

/** Addresses with at least one finding of the given rules, sorted. */
function failing(ruleIds: string[], build: (stack: TerraformStack) => void): string[] {
  const addresses = check(build).filter((f) => ruleIds.includes(f.ruleId)).map((f) => f.resourceAddress);
  return [...new Set(addresses)].sort();
}

/** Checkov's iam_member / iam_binding fixtures for "not anonymously or publicly accessible" (CKV_GCP_99, 100, 101, 102). */
type PublicFixture = { binding: { [name: string]: [role: string, members: string[]] }; member: { [name: string]: [role: string, member: string] } };

const PUBSUB_TOPIC_FIXTURE: PublicFixture = {
  binding: {
    pass1: ['roles/pubsub.admin', ['user:jane@example.com', 'group:mygroup@example.com']],
    pass2: ['roles/pubsub.editor', ['user:jason@example.com']],
    fail1: ['roles/pubsub.viewer', ['allAuthenticatedUsers']],
    fail2: ['roles/pubsub.admin', ['allUsers']],
    fail3: ['roles/pubsub.editor', ['allUsers', 'user:jason@example.com']],
    fail4: ['roles/pubsub.publisher', ['user:jason@example.com', 'allAuthenticatedUsers']],
  },
  member: {
    pass1: ['roles/pubsub.publisher', 'group:mygroup@example.com'],
    pass2: ['roles/pubsub.subscriber', 'domain:example.com'],
    fail1: ['roles/pubsub.subscriber', 'allAuthenticatedUsers'],
    fail2: ['roles/pubsub.viewer', 'allUsers'],
  },
};

const BIGQUERY_TABLE_FIXTURE: PublicFixture = {
  binding: {
    pass1: ['roles/bigquery.admin', ['user:jane@example.com', 'group:mygroup@example.com']],
    pass2: ['roles/bigquery.connectionAdmin', ['user:jason@example.com']],
    fail1: ['roles/bigquery.dataOwner', ['allAuthenticatedUsers']],
    fail2: ['roles/bigquery.dataViewer', ['allUsers']],
    fail3: ['roles/bigquery.filteredDataViewer', ['allUsers', 'user:jason@example.com']],
    fail4: ['roles/bigquery.jobUser', ['user:jason@example.com', 'allAuthenticatedUsers']],
  },
  member: {
    pass1: ['roles/bigquery.connectionUser', 'group:mygroup@example.com'],
    pass2: ['roles/bigquery.dataEditor', 'domain:example.com'],
    fail1: ['roles/bigquery.metadataViewer', 'allAuthenticatedUsers'],
    fail2: ['roles/bigquery.readSessionUser', 'allUsers'],
  },
};

/** The Cloud Run and Artifact Registry fixtures are the same: roles/viewer, five failing bindings. */
const VIEWER_FIXTURE: PublicFixture = {
  binding: {
    pass1: ['roles/viewer', ['user:jane@example.com', 'group:mygroup@example.com']],
    pass2: ['roles/viewer', ['user:jason@example.com']],
    fail1: ['roles/viewer', ['allAuthenticatedUsers']],
    fail2: ['roles/viewer', ['allUsers']],
    fail3: ['roles/viewer', ['allUsers', 'user:jason@example.com']],
    fail4: ['roles/viewer', ['user:jason@example.com', 'allAuthenticatedUsers']],
    fail5: ['roles/viewer', ['user:jason@example.com', 'allAuthenticatedUsers', 'domain:example.com']],
  },
  member: {
    pass1: ['roles/viewer', 'user:jane@example.com'],
    pass2: ['roles/viewer', 'domain:example.com'],
    fail1: ['roles/viewer', 'allAuthenticatedUsers'],
    fail2: ['roles/viewer', 'allUsers'],
  },
};

/** Builds a public-access fixture; construct ids are `binding_<name>` and `member_<name>` (one scope holds both kinds). */
function buildPublicFixture(
  stack: TerraformStack,
  fixture: PublicFixture,
  binding: (id: string, role: string, members: string[]) => void,
  member: (id: string, role: string, member: string) => void,
): void {
  for (const [name, [role, members]] of Object.entries(fixture.binding)) binding(`binding_${name}`, role, members);
  for (const [name, [role, m]] of Object.entries(fixture.member)) member(`member_${name}`, role, m);
  void stack;
}

/** The addresses of a fixture's failing resources. */
function failingOf(fixture: PublicFixture, bindingType: string, memberType: string): string[] {
  return [
    ...Object.keys(fixture.binding).filter((n) => n.startsWith('fail')).map((n) => `${bindingType}.binding_${n}`),
    ...Object.keys(fixture.member).filter((n) => n.startsWith('fail')).map((n) => `${memberType}.member_${n}`),
  ].sort();
}

describe('CKV_GCP_99 PubSubPrivateTopic -> iam-public-principal', () => {
  it('fails exactly the topic grants to allUsers or allAuthenticatedUsers', () => {
    const found = failing(['iam-public-principal'], (stack) =>
      buildPublicFixture(
        stack,
        PUBSUB_TOPIC_FIXTURE,
        (id, role, members) => new PubsubTopicIamBinding(stack, id, { topic: 'events', role, members }),
        (id, role, member) => new PubsubTopicIamMember(stack, id, { topic: 'events', role, member }),
      ),
    );
    expect(found).toEqual(failingOf(PUBSUB_TOPIC_FIXTURE, 'google_pubsub_topic_iam_binding', 'google_pubsub_topic_iam_member'));
  });
});

describe('CKV_GCP_100 BigQueryPrivateTable -> iam-public-principal', () => {
  it('fails exactly the table grants to allUsers or allAuthenticatedUsers', () => {
    const found = failing(['iam-public-principal'], (stack) =>
      buildPublicFixture(
        stack,
        BIGQUERY_TABLE_FIXTURE,
        (id, role, members) => new BigqueryTableIamBinding(stack, id, { datasetId: 'records', tableId: 'events', role, members }),
        (id, role, member) => new BigqueryTableIamMember(stack, id, { datasetId: 'records', tableId: 'events', role, member }),
      ),
    );
    expect(found).toEqual(failingOf(BIGQUERY_TABLE_FIXTURE, 'google_bigquery_table_iam_binding', 'google_bigquery_table_iam_member'));
  });
});

describe('CKV_GCP_101 ArtifactRegistryPrivateRepo -> iam-public-principal', () => {
  it('fails exactly the repository grants to allUsers or allAuthenticatedUsers', () => {
    const found = failing(['iam-public-principal'], (stack) =>
      buildPublicFixture(
        stack,
        VIEWER_FIXTURE,
        (id, role, members) => new ArtifactRegistryRepositoryIamBinding(stack, id, { location: 'europe', repository: 'apis', role, members }),
        (id, role, member) => new ArtifactRegistryRepositoryIamMember(stack, id, { location: 'europe', repository: 'apis', role, member }),
      ),
    );
    expect(found).toEqual(failingOf(VIEWER_FIXTURE, 'google_artifact_registry_repository_iam_binding', 'google_artifact_registry_repository_iam_member'));
  });
});

describe('CKV_GCP_102 GCPCloudRunPrivateService -> run-public-invoker', () => {
  it('fails exactly the service grants to allUsers or allAuthenticatedUsers, whatever the role', () => {
    const found = failing(['run-public-invoker', 'iam-public-principal'], (stack) =>
      buildPublicFixture(
        stack,
        VIEWER_FIXTURE,
        (id, role, members) => new CloudRunServiceIamBinding(stack, id, { location: 'europe-west1', service: 'api', role, members }),
        (id, role, member) => new CloudRunServiceIamMember(stack, id, { location: 'europe-west1', service: 'api', role, member }),
      ),
    );
    expect(found).toEqual(failingOf(VIEWER_FIXTURE, 'google_cloud_run_service_iam_binding', 'google_cloud_run_service_iam_member'));
  });

  it('reports them once, as run-public-invoker (the rule that carries the public-API suppression)', () => {
    const rules = check((stack) => new CloudRunServiceIamMember(stack, 'fail2', { location: 'europe-west1', service: 'api', role: 'roles/run.invoker', member: 'allUsers' }))
      .filter((f) => f.message.includes('allUsers'))
      .map((f) => f.ruleId);
    expect(rules).toEqual(['run-public-invoker']);
  });
});

describe('CKV_GCP_112 GoogleKMSKeyIsPublic -> iam-public-principal', () => {
  it('fails exactly the key policies, bindings and members that include allUsers or allAuthenticatedUsers', () => {
    const KEY = '${google_kms_crypto_key.key.id}';
    const found = failing(['iam-public-principal'], (stack) => {
      const policy = (id: string, policyData: string) => new KmsCryptoKeyIamPolicy(stack, id, { cryptoKeyId: KEY, policyData });
      policy('fail', JSON.stringify({ bindings: [{ role: 'roles/cloudkms.cryptoKeyEncrypter', members: ['allUsers'] }] }));
      policy('pass', JSON.stringify({ bindings: [{ role: 'roles/cloudkms.cryptoKeyEncrypter', members: ['jameswoolfenden'] }] }));
      policy(
        'fail2',
        JSON.stringify({
          bindings: [
            { members: ['user:jane@example.com'], role: 'roles/cloudkms.admin' },
            { members: ['allAuthenticatedUsers'], role: 'roles/cloudkms.cryptoKeyDecrypter' },
          ],
        }),
      );
      policy('pass2', '{\n    "bindings": [{\n      "role": "roles/cloudkms.cryptoKeyEncrypter",\n      "members": ["user:jameswoolfeden"]\n    }]\n}\n');
      policy('pass3', '    "bindings"\n');
      new KmsCryptoKeyIamBinding(stack, 'binding_pass', { cryptoKeyId: KEY, role: 'roles/cloudkms.cryptoKeyEncrypter', members: ['user:jane@example.com'] });
      new KmsCryptoKeyIamBinding(stack, 'binding_fail', { cryptoKeyId: KEY, role: 'roles/cloudkms.cryptoKeyEncrypter', members: ['allUsers'] });
      new KmsCryptoKeyIamMember(stack, 'member_pass', { cryptoKeyId: KEY, role: 'roles/cloudkms.cryptoKeyEncrypter', member: 'user:jane@example.com' });
      new KmsCryptoKeyIamMember(stack, 'member_fail', { cryptoKeyId: KEY, role: 'roles/cloudkms.cryptoKeyEncrypter', member: 'allUsers' });
    });
    expect(found).toEqual(
      [
        'google_kms_crypto_key_iam_policy.fail',
        'google_kms_crypto_key_iam_policy.fail2',
        'google_kms_crypto_key_iam_binding.binding_fail',
        'google_kms_crypto_key_iam_member.member_fail',
      ].sort(),
    );
  });
});

describe('CKV_GCP_15 GoogleBigQueryDatasetPublicACL -> bigquery-dataset-public-access', () => {
  const dataset = (stack: TerraformStack, id: string, access: BigqueryDatasetAccess[]) =>
    new BigqueryDataset(stack, id, { datasetId: 'example_dataset', friendlyName: 'test', description: 'This is a test description', location: 'US', access });

  it('fails exactly the datasets with a public special group or an entry that names no grantee', () => {
    const found = failing(['bigquery-dataset-public-access'], (stack) => {
      dataset(stack, 'pass_special_group', [{ role: 'READER', specialGroup: 'projectReaders' }]);
      dataset(stack, 'pass_user_by_email', [{ role: 'EDITOR', userByEmail: 'foo@bar.com' }]);
      dataset(stack, 'pass_group_by_email', [{ role: 'EDITOR', groupByEmail: 'foo-team@bar.com' }]);
      dataset(stack, 'pass_domain', [{ role: 'EDITOR', domain: 'example.com' }]);
      dataset(stack, 'pass_view', [{ view: { datasetId: 'bar', projectId: 'foo', tableId: 'buzz' } }]);
      dataset(stack, 'pass_routine', [{ routine: { datasetId: 'bar', projectId: 'foo', routineId: 'buzz' } }]);
      dataset(stack, 'pass_dataset', [{ dataset: { targetTypes: ['VIEWS'], dataset: { datasetId: 'foo', projectId: 'bar' } } }]);
      dataset(stack, 'fail_special_group', [{ role: 'READER', specialGroup: 'allAuthenticatedUsers' }]);
      dataset(stack, 'fail_all_users', [{ role: 'VIEWER', specialGroup: 'projectReaders' }, { role: 'READER' }]);
      // checkov's "new_key" case: an entry with an attribute the provider does not know, and no grantee.
      dataset(stack, 'fail_new_key', [{ role: 'READER' }]).addOverride('access.0.new_key', 'new_value');
    });
    expect(found).toEqual(['google_bigquery_dataset.fail_all_users', 'google_bigquery_dataset.fail_new_key', 'google_bigquery_dataset.fail_special_group']);
  });

  it('differs from checkov on iam_member: a named member passes (checkov fails every iam_member entry), allUsers fails', () => {
    const found = failing(['bigquery-dataset-public-access'], (stack) => {
      dataset(stack, 'pass_iam_member', [{ role: 'READER', iamMember: 'serviceAccount:api@acme.iam.gserviceaccount.com' }]);
      dataset(stack, 'fail_iam_member', [{ role: 'READER', iamMember: 'allUsers' }]);
    });
    expect(found).toEqual(['google_bigquery_dataset.fail_iam_member']);
  });
});

describe('CKV_GCP_121 BigQueryTableDeletionProtection -> bigquery-table-deletion-protection', () => {
  const table = (stack: TerraformStack, id: string, deletionProtection?: boolean) =>
    new BigqueryTable(stack, id, {
      datasetId: '${google_bigquery_dataset.default.dataset_id}',
      tableId: 'bar',
      deletionProtection,
      timePartitioning: { type: 'DAY' },
      labels: { env: 'default' },
      schema: JSON.stringify([{ name: 'permalink', type: 'STRING', mode: 'NULLABLE', description: 'The Permalink' }]),
    });

  it('fails deletion_protection = false and passes true; differs on unset, which passes (the provider defaults to true)', () => {
    const found = failing(['bigquery-table-deletion-protection'], (stack) => {
      table(stack, 'fail');
      table(stack, 'fail2', false);
      table(stack, 'pass', true);
    });
    expect(found).toEqual(['google_bigquery_table.fail2']);
  });
});

describe('CMK checks (CKV_GCP_80, 81, 83, 84) -> encryption-cmek', () => {
  const KMS = '${google_kms_crypto_key.example.name}';

  it('CKV_GCP_81: fails a dataset without default_encryption_configuration.kms_key_name', () => {
    const found = failing(['encryption-cmek'], (stack) => {
      new BigqueryDataset(stack, 'fail', {
        datasetId: 'example_dataset',
        location: 'EU',
        defaultTableExpirationMs: 3600000,
        access: [{ role: 'OWNER', specialGroup: 'allAuthenticatedUsers' }, { role: 'READER', domain: 'hashicorp.com' }],
      });
      new BigqueryDataset(stack, 'pass', { datasetId: '${var.dataset_id}', location: '${var.location}', defaultEncryptionConfiguration: { kmsKeyName: KMS } });
    });
    expect(found).toEqual(['google_bigquery_dataset.fail']);
  });

  it('CKV_GCP_80: fails a table (here an external Google Sheets table) without encryption_configuration.kms_key_name', () => {
    const external = {
      autodetect: true,
      sourceFormat: 'GOOGLE_SHEETS',
      googleSheetsOptions: { skipLeadingRows: 1 },
      sourceUris: ['https://docs.google.com/spreadsheets/d/123456789012345'],
    };
    const found = failing(['encryption-cmek'], (stack) => {
      new BigqueryTable(stack, 'fail', { datasetId: '${google_bigquery_dataset.default.dataset_id}', tableId: 'sheet', externalDataConfiguration: external });
      new BigqueryTable(stack, 'pass', {
        datasetId: '${google_bigquery_dataset.default.dataset_id}',
        tableId: 'sheet',
        externalDataConfiguration: external,
        encryptionConfiguration: { kmsKeyName: '${var.kms_key_name}' },
      });
    });
    expect(found).toEqual(['google_bigquery_table.fail']);
  });

  it('CKV_GCP_83: fails a topic without kms_key_name', () => {
    const found = failing(['encryption-cmek'], (stack) => {
      new PubsubTopic(stack, 'fail', { name: 'example-topic' });
      new PubsubTopic(stack, 'pass', { name: 'example-topic', kmsKeyName: '${google_kms_crypto_key.crypto_key.id}' });
    });
    expect(found).toEqual(['google_pubsub_topic.fail']);
  });

  it('CKV_GCP_84: fails an Artifact Registry repository without kms_key_name', () => {
    const found = failing(['encryption-cmek'], (stack) => {
      new ArtifactRegistryRepository(stack, 'fail', { location: 'us-central1', repositoryId: 'my-repository', format: 'DOCKER' });
      new ArtifactRegistryRepository(stack, 'pass', { location: 'us-central1', repositoryId: 'my-repository', format: 'DOCKER', kmsKeyName: KMS });
    });
    expect(found).toEqual(['google_artifact_registry_repository.fail']);
  });
});

describe('CKV_GCP_117 GoogleProjectBasicRole -> iam-primitive-role', () => {
  it('fails owner, editor and viewer granted on the project, and passes other roles', () => {
    const found = failing(['iam-primitive-role'], (stack) => {
      for (const role of ['owner', 'editor', 'viewer', 'other']) {
        new ProjectIamMember(stack, `member_${role}`, { project: 'your-project-id', role: `roles/${role}`, member: 'user:jane@example.com' });
        new ProjectIamBinding(stack, `binding_${role}`, { project: 'your-project-id', role: `roles/${role}`, members: ['user:jane@example.com'] });
      }
    });
    expect(found).toEqual(
      ['owner', 'editor', 'viewer'].flatMap((r) => [`google_project_iam_member.member_${r}`, `google_project_iam_binding.binding_${r}`]).sort(),
    );
  });
});

describe('CKV_GCP_49 GoogleProjectImpersonationRole -> iam-privileged-project-role', () => {
  it('fails impersonation roles on the project, and passes other roles', () => {
    const found = failing(['iam-privileged-project-role'], (stack) => {
      new ProjectIamBinding(stack, 'binding_fail', {
        project: 'your-project-id',
        role: 'roles/serverless.serviceAgent',
        members: ['user', 'serviceAccount:test-compute@developer.gserviceaccount.com'],
      });
      new ProjectIamMember(stack, 'member_fail', { project: 'your-project-id', role: 'roles/iam.workloadIdentityUser', member: 'serviceAccount:test-compute@developer.gserviceaccount.com' });
      new ProjectIamBinding(stack, 'binding_pass', { project: 'your-project-id', role: 'roles/other', members: ['user@mail.com'] });
      new ProjectIamMember(stack, 'member_pass', { project: 'your-project-id', role: 'roles/other', member: 'user@mail.com' });
    });
    expect(found).toEqual(['google_project_iam_binding.binding_fail', 'google_project_iam_member.member_fail']);
  });
});

describe('CKV_GCP_41 GoogleRoleServiceAccountUser -> iam-privileged-project-role', () => {
  it('fails serviceAccountUser and serviceAccountTokenCreator on the project', () => {
    const found = failing(['iam-privileged-project-role'], (stack) => {
      new ProjectIamMember(stack, 'failure_1', { project: 'your-project-id', role: 'roles/iam.serviceAccountUser', member: 'user:jane@example.com' });
      new ProjectIamBinding(stack, 'failure_2', { project: 'your-project-id', role: 'roles/iam.serviceAccountTokenCreator', members: ['user:jane@example.com'] });
      // checkov's passing case grants roles/editor: iam-primitive-role reports that one, not this rule.
      new ProjectIamMember(stack, 'success', { project: 'your-project-id', role: 'roles/editor', member: 'user:jane@example.com' });
    });
    expect(found).toEqual(['google_project_iam_binding.failure_2', 'google_project_iam_member.failure_1']);
  });
});

describe('CKV_GCP_42 GoogleProjectAdminServiceAccount -> iam-privileged-project-role (+ iam-primitive-role)', () => {
  it('fails an admin role of a service account on the project (roles/owner is reported as a basic role)', () => {
    const errors = check((stack) => {
      new ProjectIamMember(stack, 'failure', { project: 'your-project-id', role: 'roles/owner', member: 'user:test@example-project.iam.gserviceaccount.com' });
      new ProjectIamMember(stack, 'admin', { project: 'your-project-id', role: 'roles/bigquery.admin', member: 'serviceAccount:etl@example-project.iam.gserviceaccount.com' });
    })
      .filter((f) => f.level === 'error')
      .map((f) => [f.resourceAddress, f.ruleId]);
    expect(errors).toEqual([
      ['google_project_iam_member.failure', 'iam-primitive-role'],
      ['google_project_iam_member.admin', 'iam-privileged-project-role'],
    ]);
  });

  it('is stricter than checkov: checkov passes roles/editor to a user (it looks at service accounts only); we fail it as a basic role', () => {
    expect(
      failing(['iam-privileged-project-role', 'iam-primitive-role'], (stack) => {
        new ProjectIamMember(stack, 'success', { project: 'your-project-id', role: 'roles/editor', member: 'user:jane@example.com' });
      }),
    ).toEqual(['google_project_iam_member.success']);
  });
});

describe('CKV_GCP_46 GoogleProjectMemberDefaultServiceAccount -> iam-default-service-account', () => {
  it('fails a project grant to the default compute service account, and passes others', () => {
    const found = failing(['iam-default-service-account'], (stack) => {
      new ProjectIamBinding(stack, 'binding_fail', { project: 'your-project-id', role: 'roles/editor', members: ['user', 'serviceAccount:test-compute@developer.gserviceaccount.com'] });
      new ProjectIamMember(stack, 'member_fail', { project: 'your-project-id', role: 'roles/editor', member: 'serviceAccount:test-compute@developer.gserviceaccount.com' });
      new ProjectIamBinding(stack, 'binding_pass', { project: 'your-project-id', role: 'roles/editor', members: ['user@mail.com'] });
      new ProjectIamMember(stack, 'member_pass', { project: 'your-project-id', role: 'roles/editor', member: 'user@mail.com' });
    });
    expect(found).toEqual(['google_project_iam_binding.binding_fail', 'google_project_iam_member.member_fail']);
  });
});

describe('CKV_GCP_118 GoogleIAMWorkloadIdentityConditional -> iam-workload-identity-condition', () => {
  it('fails a pool provider without attribute_condition', () => {
    const provider = (stack: TerraformStack, id: string, attributeCondition?: string) =>
      new IamWorkloadIdentityPoolProvider(stack, id, {
        project: '${data.google_project.project.project_id}',
        workloadIdentityPoolId: '${google_iam_workload_identity_pool.github.workload_identity_pool_id}',
        workloadIdentityPoolProviderId: 'github',
        attributeMapping: {
          'google.subject': 'assertion.sub',
          'attribute.actor': 'assertion.actor',
          'attribute.aud': 'assertion.aud',
          'attribute.repository': 'assertion.repository',
        },
        oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
        attributeCondition,
      });
    const found = failing(['iam-workload-identity-condition'], (stack) => {
      provider(stack, 'fail');
      provider(stack, 'pass', "assertion.repository_owner=='your-github-organization'");
    });
    expect(found).toEqual(['google_iam_workload_identity_pool_provider.fail']);
  });
});
