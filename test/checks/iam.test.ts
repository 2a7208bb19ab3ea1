import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { FolderIamMember } from '@cdktf/provider-google/lib/folder-iam-member';
import { ProjectIamBinding } from '@cdktf/provider-google/lib/project-iam-binding';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectIamPolicy } from '@cdktf/provider-google/lib/project-iam-policy';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { findingsOf } from './helpers';

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

  it('passes a resource-level grant, and project roles that have no resource-level form', () => {
    expect(
      findingsOf('iam-project-wide-grant', (stack) => {
        new BigqueryDatasetIamMember(stack, 'Reader', { datasetId: 'records', role: 'roles/bigquery.dataViewer', member: SA });
        new ProjectIamMember(stack, 'Jobs', { project: 'acme', role: 'roles/bigquery.jobUser', member: SA });
      }),
    ).toEqual([]);
  });
});
