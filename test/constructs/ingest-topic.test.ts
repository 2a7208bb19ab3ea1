import 'cdktf/lib/testing/adapters/jest';
import { PubsubSchema } from '@cdktf/provider-google/lib/pubsub-schema';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { Testing } from 'cdktf';
import { IngestTopic, MessageEncoding } from '../../src';
import { addressOf, orders, resourcesOf, synth } from './helpers';

Testing.setupJest();

describe('IngestTopic', () => {
  it('creates an Avro schema from the record definition and a topic validating against it', () => {
    const { json, tf } = synth((scope) => new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders }));
    expect(json).toHaveResourceWithProperties(PubsubSchema, { name: 'orders-schema', type: 'AVRO', definition: orders.toAvroJson() });
    expect(json).toHaveResourceWithProperties(PubsubTopic, {
      name: 'orders-events',
      message_retention_duration: '604800s',
      labels: { pipeline: 'orders' },
      schema_settings: expect.objectContaining({ encoding: 'JSON' }),
    });
    const topic = resourcesOf(tf, 'google_pubsub_topic').find((t) => t.name === 'orders-events');
    const schemaAddress = addressOf(tf, 'google_pubsub_schema', { name: 'orders-schema' });
    expect(topic.schema_settings.schema).toBe(`\${${schemaAddress}.id}`);
    expect(topic.depends_on).toEqual([schemaAddress]);
    expect(topic.kms_key_name).toBeUndefined();
  });

  it('creates a dead-letter topic without schema, with the same labels and key', () => {
    const kmsKeyName = 'projects/acme/locations/europe-west1/keyRings/data/cryptoKeys/pubsub';
    const { json, tf } = synth((scope) => new IngestTopic(scope, 'Ingest', {
      name: 'orders', schema: orders, kmsKeyName, labels: { team: 'data' },
    }));
    expect(json).toHaveResourceWithProperties(PubsubTopic, { name: 'orders-dead-letters', kms_key_name: kmsKeyName, labels: { team: 'data', pipeline: 'orders' } });
    expect(json).toHaveResourceWithProperties(PubsubTopic, { name: 'orders-events', kms_key_name: kmsKeyName, labels: { team: 'data', pipeline: 'orders' } });
    const deadLetter = resourcesOf(tf, 'google_pubsub_topic').find((t) => t.name === 'orders-dead-letters');
    expect(deadLetter.schema_settings).toBeUndefined();
  });

  it('takes BINARY encoding and a retention in days', () => {
    const { json } = synth((scope) => new IngestTopic(scope, 'Ingest', {
      name: 'orders', schema: orders, encoding: MessageEncoding.BINARY, messageRetentionDays: 31,
    }));
    expect(json).toHaveResourceWithProperties(PubsubTopic, {
      name: 'orders-events',
      message_retention_duration: '2678400s',
      schema_settings: expect.objectContaining({ encoding: 'BINARY' }),
    });
  });

  it('grants publish on the ingest topic only', () => {
    const { json, tf } = synth((scope) => {
      new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders }).grantPublish('Producer', 'serviceAccount:shop@acme.iam.gserviceaccount.com');
    });
    const topic = addressOf(tf, 'google_pubsub_topic', { name: 'orders-events' });
    expect(json).toHaveResourceWithProperties(PubsubTopicIamMember, {
      topic: `\${${topic}.id}`, role: 'roles/pubsub.publisher', member: 'serviceAccount:shop@acme.iam.gserviceaccount.com',
    });
  });

  it('fails when messageRetentionDays is out of range', () => {
    expect(() => synth((scope) => new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders, messageRetentionDays: 32 })))
      .toThrow(/invalid IngestTopic props at .*Ingest:\n {2}- messageRetentionDays must be an integer between 1 and 31, got 32/);
  });

  it('fails when kmsKeyName is not a key path', () => {
    expect(() => synth((scope) => new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders, kmsKeyName: 'my-key' })))
      .toThrow(/kmsKeyName must look like projects\/<p>\/locations\/<l>\/keyRings\/<r>\/cryptoKeys\/<k>, got "my-key"/);
  });

  it('fails when encoding is not a MessageEncoding', () => {
    expect(() => synth((scope) => new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders, encoding: 'AVRO' as MessageEncoding })))
      .toThrow(/encoding must be one of JSON, BINARY, got "AVRO"/);
  });

  it('keeps messages at rest in the US regions by default, on both topics, as the table\'s default location', () => {
    const { tf } = synth((scope) => new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders }));
    const policies = resourcesOf(tf, 'google_pubsub_topic').map((t) => t.message_storage_policy?.allowed_persistence_regions);
    expect(policies).toHaveLength(2);
    for (const regions of policies) {
      expect(regions).toContain('us-central1');
      expect(regions.every((r: string) => r.startsWith('us-'))).toBe(true);
    }
  });

  it('keeps messages in the EU member states\' regions for an EU table, never London or Zurich', () => {
    const { tf } = synth((scope) => new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders, location: 'eu' }));
    const regions: string[] = resourcesOf(tf, 'google_pubsub_topic')[0].message_storage_policy.allowed_persistence_regions;
    expect(regions).toEqual(expect.arrayContaining(['europe-west1', 'europe-west3', 'europe-west4']));
    expect(regions.every((r) => r.startsWith('europe-'))).toBe(true);
    expect(regions).not.toContain('europe-west2');
    expect(regions).not.toContain('europe-west6');
  });

  it('keeps messages in the one region of a regional table', () => {
    const { tf } = synth((scope) => new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders, location: 'europe-west1' }));
    expect(resourcesOf(tf, 'google_pubsub_topic').map((t) => t.message_storage_policy)).toEqual([
      { allowed_persistence_regions: ['europe-west1'] }, { allowed_persistence_regions: ['europe-west1'] },
    ]);
  });

  it('takes explicit persistence regions', () => {
    const { tf } = synth((scope) => new IngestTopic(scope, 'Ingest', {
      name: 'orders', schema: orders, location: 'EU', allowedPersistenceRegions: ['europe-west1', 'europe-west4'],
    }));
    expect(resourcesOf(tf, 'google_pubsub_topic')[0].message_storage_policy).toEqual({ allowed_persistence_regions: ['europe-west1', 'europe-west4'] });
  });

  it.each([
    [[], /allowedPersistenceRegions must name at least one region/],
    [['EU'], /allowedPersistenceRegions entry "EU" must be a Google Cloud region such as europe-west1/],
    [['europe west1'], /allowedPersistenceRegions entry "europe west1" must be a Google Cloud region/],
  ])('fails when allowedPersistenceRegions is %j', (allowedPersistenceRegions, message) => {
    expect(() => synth((scope) => new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders, allowedPersistenceRegions })))
      .toThrow(message);
  });

  it.each(['allUsers', 'allAuthenticatedUsers', 'domain:example.com'])('fails when grantPublish is given %s without allowPublicPublishing', (member) => {
    expect(() => synth((scope) => new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders }).grantPublish('Public', member)))
      .toThrow(new RegExp(`invalid grantPublish at .*Ingest:\\n {2}- grantPublish member must not hold ${member} unless allowPublicPublishing is true \\(the topic is private by default\\)`));
  });

  it('fails when grantPublish is given something that is not an IAM member', () => {
    expect(() => synth((scope) => new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders }).grantPublish('Producer', 'shop@example.com')))
      .toThrow(/grantPublish member entry "shop@example.com" must be an IAM member/);
  });

  it('grants a public member with grantPublish once allowPublicPublishing is true', () => {
    const { tf } = synth((scope) => new IngestTopic(scope, 'Ingest', { name: 'orders', schema: orders, allowPublicPublishing: true })
      .grantPublish('Public', 'allAuthenticatedUsers'));
    expect(resourcesOf(tf, 'google_pubsub_topic_iam_member').map((g) => g.member)).toEqual(['allAuthenticatedUsers']);
  });
});
