import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { BigqueryDatasetIamPolicy } from '@cdktf/provider-google/lib/bigquery-dataset-iam-policy';
import { CloudRunV2JobIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-job-iam-member';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { DataGoogleIamPolicy } from '@cdktf/provider-google/lib/data-google-iam-policy';
import { DataGoogleComputeDefaultServiceAccount } from '@cdktf/provider-google/lib/data-google-compute-default-service-account';
import { FolderIamMember } from '@cdktf/provider-google/lib/folder-iam-member';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { OrganizationIamBinding } from '@cdktf/provider-google/lib/organization-iam-binding';
import { ProjectIamBinding } from '@cdktf/provider-google/lib/project-iam-binding';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectIamPolicy } from '@cdktf/provider-google/lib/project-iam-policy';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { PubsubTopicIamPolicy } from '@cdktf/provider-google/lib/pubsub-topic-iam-policy';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { StorageBucketAccessControl } from '@cdktf/provider-google/lib/storage-bucket-access-control';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { StorageDefaultObjectAcl } from '@cdktf/provider-google/lib/storage-default-object-acl';
import { TerraformStack } from 'cdktf';
import { findingsOf } from './helpers';

/** A `google_iam_policy` data source with one binding, as policies built in CDKTF usually are. */
function policyDocument(stack: TerraformStack, role: string, members: string[]): DataGoogleIamPolicy {
  return new DataGoogleIamPolicy(stack, 'Document', { binding: [{ role, members }] });
}

const SA = 'serviceAccount:api@acme.iam.gserviceaccount.com';

describe('iam-primitive-role', () => {
  it('fails on owner, editor or viewer, at any level and in any IAM resource form', () => {
    const found = findingsOf('iam-primitive-role', (stack) => {
      new ProjectIamMember(stack, 'Editor', { project: 'acme', role: 'roles/editor', member: SA });
      new ProjectIamBinding(stack, 'Owners', { project: 'acme', role: 'roles/owner', members: ['user:a@acme.com'] });
      new PubsubTopicIamMember(stack, 'TopicViewer', { topic: 'events', role: 'roles/viewer', member: SA });
      new ProjectIamPolicy(stack, 'Policy', { project: 'acme', policyData: JSON.stringify({ bindings: [{ role: 'roles/editor', members: [SA] }] }) });
    });
    expect(found).toEqual([
      ['google_project_iam_member.Editor', `roles/editor is granted to ${SA}`],
      ['google_project_iam_binding.Owners', 'roles/owner is granted to user:a@acme.com'],
      ['google_pubsub_topic_iam_member.TopicViewer', `roles/viewer is granted to ${SA}`],
      ['google_project_iam_policy.Policy', `roles/editor is granted to ${SA}`],
    ]);
  });

  it('fails on a basic role in a policy built from a google_iam_policy data source', () => {
    expect(
      findingsOf('iam-primitive-role', (stack) => {
        const document = policyDocument(stack, 'roles/owner', [SA]);
        new PubsubTopicIamPolicy(stack, 'Policy', { topic: 'events', policyData: document.policyData });
      }),
    ).toEqual([['google_pubsub_topic_iam_policy.Policy', `roles/owner is granted to ${SA}`]]);
  });

  it('passes predefined roles', () => {
    expect(findingsOf('iam-primitive-role', (stack) => new ProjectIamMember(stack, 'Jobs', { project: 'acme', role: 'roles/bigquery.jobUser', member: SA }))).toEqual([]);
  });
});

describe('iam-project-wide-grant', () => {
  it.each(['roles/bigquery.dataViewer', 'roles/bigquery.dataEditor', 'roles/pubsub.publisher', 'roles/pubsub.subscriber', 'roles/run.invoker'])(
    'fails when %s is granted on the whole project',
    (role) => {
      expect(findingsOf('iam-project-wide-grant', (stack) => new ProjectIamMember(stack, 'Grant', { project: 'acme', role, member: SA }))).toEqual([
        ['google_project_iam_member.Grant', expect.stringMatching(new RegExp(`^${role.replace('.', '\\.')} is granted on the whole project; grant it with google_`))],
      ]);
    },
  );

  it('fails on a folder-wide grant too', () => {
    expect(findingsOf('iam-project-wide-grant', (stack) => new FolderIamMember(stack, 'Grant', { folder: 'folders/1', role: 'roles/pubsub.subscriber', member: SA }))).toEqual([
      ['google_folder_iam_member.Grant', 'roles/pubsub.subscriber is granted on the whole folder; grant it with google_pubsub_subscription_iam_member'],
    ]);
  });

  it('leaves privileged roles to iam-privileged-project-role instead of reporting them twice', () => {
    expect(findingsOf('iam-project-wide-grant', (stack) => new ProjectIamMember(stack, 'Grant', { project: 'acme', role: 'roles/iam.serviceAccountUser', member: SA }))).toEqual([]);
  });

  it('passes a resource-level grant, and project roles that have no resource-level form', () => {
    expect(
      findingsOf('iam-project-wide-grant', (stack) => {
        new BigqueryDatasetIamMember(stack, 'Reader', { datasetId: 'records', role: 'roles/bigquery.dataViewer', member: SA });
        new ProjectIamMember(stack, 'Jobs', { project: 'acme', role: 'roles/bigquery.jobUser', member: SA });
      }),
    ).toEqual([]);
  });
});

describe('iam-public-principal', () => {
  it('fails allUsers or allAuthenticatedUsers in a member, a binding, a literal policy and a policy from a data source', () => {
    const found = findingsOf('iam-public-principal', (stack) => {
      new StorageBucketIamMember(stack, 'Bucket', { bucket: 'exports', role: 'roles/storage.objectViewer', member: 'allAuthenticatedUsers' });
      new BigqueryDatasetIamPolicy(stack, 'Literal', {
        datasetId: 'records',
        policyData: JSON.stringify({ bindings: [{ role: 'roles/bigquery.dataViewer', members: [SA, 'allUsers'] }] }),
      });
      const document = policyDocument(stack, 'roles/pubsub.publisher', ['allUsers']);
      new PubsubTopicIamPolicy(stack, 'FromDocument', { topic: 'events', policyData: document.policyData });
    });
    expect(found).toEqual([
      ['google_storage_bucket_iam_member.Bucket', 'allAuthenticatedUsers is granted roles/storage.objectViewer'],
      ['google_bigquery_dataset_iam_policy.Literal', 'allUsers is granted roles/bigquery.dataViewer'],
      ['google_pubsub_topic_iam_policy.FromDocument', 'allUsers is granted roles/pubsub.publisher'],
    ]);
  });

  it('fails Cloud Storage ACLs that grant to allUsers or allAuthenticatedUsers', () => {
    expect(
      findingsOf('iam-public-principal', (stack) => {
        new StorageBucketAccessControl(stack, 'Entry', { bucket: 'exports', entity: 'allUsers', role: 'READER' });
        new StorageDefaultObjectAcl(stack, 'Defaults', { bucket: 'exports', roleEntity: ['OWNER:project-owners-123', 'READER:allAuthenticatedUsers'] });
        new StorageBucketAccessControl(stack, 'Team', { bucket: 'exports', entity: 'group-data@acme.com', role: 'READER' });
      }),
    ).toEqual([
      ['google_storage_bucket_access_control.Entry', 'allUsers is granted READER by the ACL'],
      ['google_storage_default_object_acl.Defaults', 'allAuthenticatedUsers is granted READER by the ACL'],
    ]);
  });

  it('fails a public grant on a Cloud Run job, which run-public-invoker (services only) does not cover', () => {
    expect(
      findingsOf('iam-public-principal', (stack) => {
        new CloudRunV2JobIamMember(stack, 'Job', { name: 'nightly', location: 'europe-west1', role: 'roles/run.invoker', member: 'allUsers' });
        new CloudRunV2ServiceIamMember(stack, 'Service', { name: 'api', location: 'europe-west1', role: 'roles/run.invoker', member: 'allUsers' });
      }),
    ).toEqual([['google_cloud_run_v2_job_iam_member.Job', 'allUsers is granted roles/run.invoker']]);
  });

  it('passes named principals, and leaves public Cloud Run invokers to run-public-invoker', () => {
    expect(
      findingsOf('iam-public-principal', (stack) => {
        new PubsubTopicIamMember(stack, 'Publisher', { topic: 'events', role: 'roles/pubsub.publisher', member: 'group:producers@acme.com' });
        new ProjectIamMember(stack, 'Invoker', { project: 'acme', role: 'roles/run.invoker', member: 'allUsers' });
        const document = policyDocument(stack, 'roles/pubsub.publisher', [SA]);
        new PubsubTopicIamPolicy(stack, 'FromDocument', { topic: 'events', policyData: document.policyData });
      }),
    ).toEqual([]);
  });
});

describe('iam-privileged-project-role', () => {
  it('fails admin and impersonation roles granted on a project, folder or organization, in any IAM form', () => {
    const found = findingsOf('iam-privileged-project-role', (stack) => {
      new ProjectIamMember(stack, 'IamAdmin', { project: 'acme', role: 'roles/resourcemanager.projectIamAdmin', member: SA });
      new FolderIamMember(stack, 'TokenCreator', { folder: 'folders/1', role: 'roles/iam.serviceAccountTokenCreator', member: SA });
      new OrganizationIamBinding(stack, 'StorageAdmin', { orgId: '1', role: 'roles/storage.admin', members: ['group:ops@acme.com'] });
      new ProjectIamPolicy(stack, 'Policy', { project: 'acme', policyData: policyDocument(stack, 'roles/pubsub.editor', [SA]).policyData });
    });
    expect(found).toEqual([
      ['google_project_iam_member.IamAdmin', `roles/resourcemanager.projectIamAdmin is granted on the whole project to ${SA}: it administers every resource of its service in the project`],
      ['google_folder_iam_member.TokenCreator', `roles/iam.serviceAccountTokenCreator is granted on the whole folder to ${SA}: it lets its holders act as every service account of the folder; grant it with google_service_account_iam_member`],
      ['google_organization_iam_binding.StorageAdmin', 'roles/storage.admin is granted on the whole organization to group:ops@acme.com: it administers every resource of its service in the organization; grant it with google_storage_bucket_iam_member'],
      ['google_project_iam_policy.Policy', `roles/pubsub.editor is granted on the whole project to ${SA}: it administers every resource of its service in the project; grant it with google_pubsub_topic_iam_member or google_pubsub_subscription_iam_member`],
    ]);
  });

  it('says when the grant carries an IAM condition, which does not make it resource-level', () => {
    expect(
      findingsOf('iam-privileged-project-role', (stack) => {
        new ProjectIamMember(stack, 'Deployer', {
          project: 'acme',
          role: 'roles/resourcemanager.projectIamAdmin',
          member: SA,
          condition: { title: 'grants', expression: "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/run.invoker'])" },
        });
      }),
    ).toEqual([['google_project_iam_member.Deployer', expect.stringContaining(`to ${SA} (with an IAM condition): `)]]);
  });

  it('passes data roles (iam-project-wide-grant warns about those), basic roles (iam-primitive-role) and the same roles on one resource', () => {
    expect(
      findingsOf('iam-privileged-project-role', (stack) => {
        new ProjectIamMember(stack, 'DataEditor', { project: 'acme', role: 'roles/bigquery.dataEditor', member: SA });
        new ProjectIamMember(stack, 'Owner', { project: 'acme', role: 'roles/owner', member: SA });
        new ServiceAccountIamMember(stack, 'OnOneAccount', { serviceAccountId: 'projects/acme/serviceAccounts/w@acme.iam.gserviceaccount.com', role: 'roles/iam.serviceAccountTokenCreator', member: SA });
      }),
    ).toEqual([]);
  });
});

describe('iam-default-service-account', () => {
  it('fails project-wide grants to the App Engine default account too', () => {
    expect(findingsOf('iam-default-service-account', (stack) => new ProjectIamMember(stack, 'Grant', { project: 'acme', role: 'roles/bigquery.jobUser', member: 'serviceAccount:acme@appspot.gserviceaccount.com' }))).toEqual([
      ['google_project_iam_member.Grant', 'roles/bigquery.jobUser is granted on the whole project to the default service account serviceAccount:acme@appspot.gserviceaccount.com'],
    ]);
  });

  it('fails project-wide grants to the default account named through its data source', () => {
    expect(
      findingsOf('iam-default-service-account', (stack) => {
        const account = new DataGoogleComputeDefaultServiceAccount(stack, 'ComputeDefault');
        new ProjectIamMember(stack, 'Grant', { project: 'acme', role: 'roles/pubsub.editor', member: `serviceAccount:${account.email}` });
      }),
    ).toEqual([['google_project_iam_member.Grant', expect.stringMatching(/^roles\/pubsub\.editor is granted on the whole project to the default service account serviceAccount:\$\{data\.google_compute_default_service_account\.ComputeDefault\.email\}$/)]]);
  });

  it('passes a grant to the default account on one resource', () => {
    expect(
      findingsOf('iam-default-service-account', (stack) => new PubsubTopicIamMember(stack, 'Grant', { topic: 'events', role: 'roles/pubsub.publisher', member: 'serviceAccount:1-compute@developer.gserviceaccount.com' })),
    ).toEqual([]);
  });
});

describe('iam-workload-identity-condition', () => {
  it('fails an empty attribute_condition', () => {
    expect(
      findingsOf('iam-workload-identity-condition', (stack) => {
        new IamWorkloadIdentityPoolProvider(stack, 'GitHub', {
          workloadIdentityPoolId: 'github',
          workloadIdentityPoolProviderId: 'github',
          attributeCondition: ' ',
          oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
        });
      }),
    ).toEqual([['google_iam_workload_identity_pool_provider.GitHub', 'attribute_condition is not set: every identity of the issuer is accepted']]);
  });
});
