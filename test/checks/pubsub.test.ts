import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { PubsubSchema } from '@cdktf/provider-google/lib/pubsub-schema';
import { PubsubSubscription, PubsubSubscriptionConfig } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { TerraformResource, TerraformStack } from 'cdktf';
import { findingsOf } from './helpers';

interface Options {
  /** Overrides on the source subscription. */
  readonly subscription?: Partial<PubsubSubscriptionConfig>;
  /** Leave out the subscription that reads the dead-letter topic. */
  readonly noDeadLetterReader?: boolean;
  /** Leave out one of the service-agent grants. */
  readonly omitGrant?: 'publisher' | 'subscriber';
  /** How the grants name the service agent. */
  readonly agent?: 'literal' | 'identity';
}

/** An ingest topic with a schema, a dead-letter topic read by its own subscription, and the service-agent grants. */
function pipeline(stack: TerraformStack, options: Options = {}): { topic: PubsubTopic; deadLetters: PubsubTopic; subscription: PubsubSubscription } {
  const labels = { pipeline: 'p' };
  const schema = new PubsubSchema(stack, 'Schema', { name: 'events', type: 'AVRO', definition: '{"type":"record","name":"E","fields":[]}' });
  const topic = new PubsubTopic(stack, 'Topic', { name: 'events', labels, schemaSettings: { schema: schema.id, encoding: 'JSON' } });
  const deadLetters = new PubsubTopic(stack, 'DeadLetters', { name: 'events-dead-letters', labels });
  const subscription = new PubsubSubscription(stack, 'Subscription', {
    name: 'events-to-bigquery',
    topic: topic.id,
    labels,
    expirationPolicy: { ttl: '' },
    deadLetterPolicy: { deadLetterTopic: deadLetters.id, maxDeliveryAttempts: 5 },
    ...options.subscription,
  });
  if (!options.noDeadLetterReader) {
    new PubsubSubscription(stack, 'DeadLetterReader', { name: 'dead-letters-to-bigquery', topic: deadLetters.id, labels, expirationPolicy: { ttl: '' } });
  }
  const member =
    options.agent === 'identity'
      ? serviceIdentity(stack, 'pubsub.googleapis.com').getStringAttribute('member')
      : `serviceAccount:service-${new DataGoogleProject(stack, 'Project').number}@gcp-sa-pubsub.iam.gserviceaccount.com`;
  if (options.omitGrant !== 'publisher') {
    new PubsubTopicIamMember(stack, 'AgentPublishes', { topic: deadLetters.id, role: 'roles/pubsub.publisher', member });
  }
  if (options.omitGrant !== 'subscriber') {
    new PubsubSubscriptionIamMember(stack, 'AgentSubscribes', { subscription: subscription.name, role: 'roles/pubsub.subscriber', member });
  }
  return { topic, deadLetters, subscription };
}

/** google_project_service_identity lives in the google-beta provider: a hand-made resource stands in for it. */
function serviceIdentity(stack: TerraformStack, service: string): TerraformResource {
  const identity = new TerraformResource(stack, 'PubsubAgent', { terraformResourceType: 'google_project_service_identity' });
  identity.addOverride('service', service);
  return identity;
}

describe('the complete fixture', () => {
  it.each(['pubsub-subscription-dead-letter', 'pubsub-subscription-expiry', 'pubsub-dead-letter-unread', 'pubsub-dead-letter-grants', 'pubsub-topic-schema'])(
    'passes %s (the dead-letter reader and the dead-letter topic are exempt where they should be)',
    (ruleId) => {
      expect(findingsOf(ruleId, (stack) => pipeline(stack))).toEqual([]);
    },
  );
});

describe('pubsub-subscription-dead-letter', () => {
  it('fails when a subscription has no dead-letter policy', () => {
    expect(findingsOf('pubsub-subscription-dead-letter', (stack) => pipeline(stack, { noDeadLetterReader: true, subscription: { deadLetterPolicy: undefined } }))).toEqual([
      ['google_pubsub_subscription.Subscription', 'the subscription has no dead_letter_policy'],
    ]);
  });
});

describe('pubsub-subscription-expiry', () => {
  it('fails when expiration_policy is missing or has a ttl', () => {
    expect(findingsOf('pubsub-subscription-expiry', (stack) => pipeline(stack, { subscription: { expirationPolicy: undefined } }))).toEqual([
      ['google_pubsub_subscription.Subscription', 'expiration_policy is not set, so the subscription expires after 31 days of inactivity'],
    ]);
    expect(findingsOf('pubsub-subscription-expiry', (stack) => pipeline(stack, { subscription: { expirationPolicy: { ttl: '2678400s' } } }))).toEqual([
      ['google_pubsub_subscription.Subscription', 'expiration_policy.ttl is "2678400s", not "" (never)'],
    ]);
  });
});

describe('pubsub-dead-letter-unread', () => {
  it('fails when no subscription reads the dead-letter topic', () => {
    expect(findingsOf('pubsub-dead-letter-unread', (stack) => pipeline(stack, { noDeadLetterReader: true }))).toEqual([
      ['google_pubsub_subscription.Subscription', 'dead-letter topic google_pubsub_topic.DeadLetters has no subscription'],
    ]);
  });

  it('passes a dead-letter topic outside the stack (it cannot tell)', () => {
    expect(
      findingsOf('pubsub-dead-letter-unread', (stack) =>
        pipeline(stack, { noDeadLetterReader: true, subscription: { deadLetterPolicy: { deadLetterTopic: 'projects/acme/topics/shared-dead-letters' } } }),
      ),
    ).toEqual([]);
  });
});

describe('pubsub-dead-letter-grants', () => {
  it('fails when the service agent may not publish to the dead-letter topic', () => {
    expect(findingsOf('pubsub-dead-letter-grants', (stack) => pipeline(stack, { omitGrant: 'publisher' }))).toEqual([
      ['google_pubsub_subscription.Subscription', 'no roles/pubsub.publisher for the Pub/Sub service agent on dead-letter topic google_pubsub_topic.DeadLetters'],
    ]);
  });

  it('fails when the service agent may not subscribe to the source subscription', () => {
    expect(findingsOf('pubsub-dead-letter-grants', (stack) => pipeline(stack, { omitGrant: 'subscriber' }))).toEqual([
      ['google_pubsub_subscription.Subscription', 'no roles/pubsub.subscriber for the Pub/Sub service agent on this subscription'],
    ]);
  });

  it('fails when the grants go to someone else than the service agent', () => {
    expect(
      findingsOf('pubsub-dead-letter-grants', (stack) => {
        const { deadLetters } = pipeline(stack, { omitGrant: 'publisher' });
        new PubsubTopicIamMember(stack, 'WrongMember', { topic: deadLetters.id, role: 'roles/pubsub.publisher', member: 'serviceAccount:app@acme.iam.gserviceaccount.com' });
      }),
    ).toHaveLength(1);
  });

  it('passes grants to the agent named through google_project_service_identity', () => {
    expect(findingsOf('pubsub-dead-letter-grants', (stack) => pipeline(stack, { agent: 'identity' }))).toEqual([]);
  });
});

describe('pubsub-topic-schema', () => {
  it('fails when an ingest topic has no schema', () => {
    expect(findingsOf('pubsub-topic-schema', (stack) => new PubsubTopic(stack, 'Raw', { name: 'raw', labels: { pipeline: 'p' } }))).toEqual([
      ['google_pubsub_topic.Raw', 'the topic has no schema_settings'],
    ]);
  });
});

describe('pubsub-topic-storage-policy', () => {
  it('fails a topic without allowed persistence regions', () => {
    expect(
      findingsOf('pubsub-topic-storage-policy', (stack) => {
        new PubsubTopic(stack, 'Unbound', { name: 'unbound' });
        new PubsubTopic(stack, 'Empty', { name: 'empty', messageStoragePolicy: { allowedPersistenceRegions: [] } });
      }),
    ).toEqual([
      ['google_pubsub_topic.Unbound', 'message_storage_policy.allowed_persistence_regions is not set: messages may be stored in any region'],
      ['google_pubsub_topic.Empty', 'message_storage_policy.allowed_persistence_regions is not set: messages may be stored in any region'],
    ]);
  });

  it('passes a topic whose messages stay in the listed regions', () => {
    expect(
      findingsOf('pubsub-topic-storage-policy', (stack) => {
        new PubsubTopic(stack, 'Eu', { name: 'eu', messageStoragePolicy: { allowedPersistenceRegions: ['europe-west1', 'europe-west4'] } });
      }),
    ).toEqual([]);
  });
});
