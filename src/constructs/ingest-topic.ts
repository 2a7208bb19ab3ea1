import { PubsubSchema } from '@cdktf/provider-google/lib/pubsub-schema';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { RecordSchema } from '../schema';
import { checkIntegerRange, labelProblems, nameProblems, pipelineLabels, throwIfProblems } from '../core/validation';
import { physicalName } from '../core/physical-names';
import { checkGrantMember } from './iam-members';
import { IIngestTopic } from './pipeline-parts';
import { persistenceRegionProblems, persistenceRegionsFor } from './persistence-regions';

/** How producers encode messages published to the topic. */
export enum MessageEncoding {
  /** Avro JSON encoding: easy to produce from any language. */
  JSON = 'JSON',
  /** Avro binary encoding: smaller messages, needs an Avro library in the producer. */
  BINARY = 'BINARY',
}

/** Options of the ingest topic, reusable by `AnalyticsPipeline`. */
export interface IngestTopicOptions {
  /**
   * How producers encode their messages.
   *
   * @default MessageEncoding.JSON
   */
  readonly encoding?: MessageEncoding;

  /**
   * How long the topic keeps published messages so subscriptions can replay them, in days. Between 1 and 31.
   *
   * @default 7
   */
  readonly messageRetentionDays?: number;

  /**
   * Cloud KMS key that encrypts the topic and the dead-letter topic
   * (`projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`). The Pub/Sub service agent needs
   * `roles/cloudkms.cryptoKeyEncrypterDecrypter` on it.
   *
   * @default - Google-managed encryption
   */
  readonly kmsKeyName?: string;

  /**
   * Regions where Pub/Sub may keep the topics' messages at rest (`message_storage_policy`), such as
   * `['europe-west1']`. Publishers in other regions still publish; their messages are stored in an allowed one.
   *
   * @default - where the table is: the regions inside `location` for the multi-regions `US` and `EU` (listed in
   * src/constructs/persistence-regions.ts), the region itself for a regional location; no policy when the location is a token
   */
  readonly allowedPersistenceRegions?: string[];

  /**
   * Whether `grantPublish` may name public or domain-wide members (`allUsers`, `allAuthenticatedUsers`,
   * `domain:...`). Anyone so allowed can write records.
   *
   * @default false
   */
  readonly allowPublicPublishing?: boolean;
}

/** Props of `IngestTopic`. */
export interface IngestTopicProps extends IngestTopicOptions {
  /** Pipeline name the physical names derive from: `<name>-events`, `<name>-dead-letters`, `<name>-schema`. */
  readonly name: string;

  /** The record definition; its Avro form validates every published message. */
  readonly schema: RecordSchema;

  /**
   * BigQuery location of the table the messages are written to; the default persistence regions follow it.
   *
   * @default 'US'
   */
  readonly location?: string;

  /**
   * Labels for the topics (`pipeline=<name>` is always added).
   *
   * @default - only pipeline=<name>
   */
  readonly labels?: { [key: string]: string };
}

/** Every broken rule of `IngestTopicOptions`. */
export function ingestTopicOptionProblems(options: IngestTopicOptions): string[] {
  const problems: string[] = [];
  checkIntegerRange(problems, 'messageRetentionDays', options.messageRetentionDays, 1, 31);
  if (options.encoding !== undefined && !Object.values(MessageEncoding).includes(options.encoding)) {
    problems.push(`encoding must be one of ${Object.values(MessageEncoding).join(', ')}, got ${JSON.stringify(options.encoding)}`);
  }
  const key = options.kmsKeyName;
  if (key !== undefined && !Token.isUnresolved(key) && !/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/.test(key)) {
    problems.push(`kmsKeyName must look like projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>, got ${JSON.stringify(key)}`);
  }
  problems.push(...persistenceRegionProblems('allowedPersistenceRegions', options.allowedPersistenceRegions));
  return problems;
}

/** A topic created elsewhere, as `IngestTopic.fromTopicAttributes` takes it. */
export interface IngestTopicAttributes {
  /** Full topic id, `projects/<project>/topics/<name>`. */
  readonly topicId: string;
  /** Full id of the topic the BigQuery subscription forwards undeliverable messages to. */
  readonly deadLetterTopicId: string;
  /** The record definition the topic's schema validates (the table's columns are built from it). */
  readonly schema: RecordSchema;
  /**
   * Whether `grantPublish` may name public or domain-wide members.
   *
   * @default false
   */
  readonly allowPublicPublishing?: boolean;
}

const TOPIC_ID = /^projects\/[^/]+\/topics\/[^/]+$/;

/** What every ingest topic does, created or imported: publish grants that refuse the public unless asked. */
export abstract class IngestTopicBase extends Construct implements IIngestTopic {
  /** Full topic id, `projects/<project>/topics/<name>`. */
  public abstract readonly topicId: string;
  /** Short topic name. */
  public abstract readonly topicName: string;
  /** Full id of the dead-letter topic. */
  public abstract readonly deadLetterTopicId: string;
  /** The record definition the topic's schema validates. */
  public abstract readonly recordSchema: RecordSchema;
  /** Whether `grantPublish` may name public or domain-wide members. */
  protected abstract readonly allowPublicPublishing: boolean;

  /**
   * Lets `member` publish to the topic (`roles/pubsub.publisher` on this topic only). Refuses public and
   * domain-wide members unless `allowPublicPublishing` is true.
   *
   * @param id construct id of the grant; keep it stable, the member may be a token
   * @param member IAM member, such as `serviceAccount:producer@p.iam.gserviceaccount.com`
   */
  public grantPublish(id: string, member: string): PubsubTopicIamMember {
    checkGrantMember(this, 'grantPublish', member, { name: 'allowPublicPublishing', given: this.allowPublicPublishing, what: 'the topic' });
    return new PubsubTopicIamMember(this, id, { topic: this.topicId, role: 'roles/pubsub.publisher', member });
  }
}

/** An ingest topic created elsewhere. */
class ImportedIngestTopic extends IngestTopicBase {
  public readonly topicId: string;
  public readonly topicName: string;
  public readonly deadLetterTopicId: string;
  public readonly recordSchema: RecordSchema;
  protected readonly allowPublicPublishing: boolean;

  public constructor(scope: Construct, id: string, attrs: IngestTopicAttributes) {
    super(scope, id);
    throwIfProblems('IngestTopic.fromTopicAttributes', this, (['topicId', 'deadLetterTopicId'] as const)
      .filter((k) => !Token.isUnresolved(attrs[k]) && !TOPIC_ID.test(attrs[k]))
      .map((k) => `${k} must be projects/<project>/topics/<name>, got ${JSON.stringify(attrs[k])}`));
    this.topicId = attrs.topicId;
    this.deadLetterTopicId = attrs.deadLetterTopicId;
    this.recordSchema = attrs.schema;
    this.allowPublicPublishing = attrs.allowPublicPublishing ?? false;
    // The name is the id's last segment; a token id is split by Terraform.
    this.topicName = Token.isUnresolved(attrs.topicId) ? Fn.element(Fn.split('/', attrs.topicId), 3) : attrs.topicId.split('/')[3];
  }
}

/**
 * Where producers publish: a Pub/Sub schema (Avro, from the record definition), the topic that validates every
 * message against it, and the dead-letter topic that receives what the subscription cannot write.
 */
export class IngestTopic extends IngestTopicBase {
  /**
   * A topic created elsewhere, for the parts that take an `IIngestTopic` (`BigQuerySubscription`, `QueryApi`,
   * `AnalyticsPipeline.existingTopic`). Nothing is created; `grantPublish` grants on that topic.
   */
  public static fromTopicAttributes(scope: Construct, id: string, attrs: IngestTopicAttributes): IIngestTopic {
    return new ImportedIngestTopic(scope, id, attrs);
  }

  /** The Avro schema messages are validated against. */
  public readonly pubsubSchema: PubsubSchema;
  /** The record definition the topic's Avro schema was generated from. */
  public readonly recordSchema: RecordSchema;
  /** The topic producers publish to. */
  public readonly topic: PubsubTopic;
  /** The topic undeliverable messages are forwarded to; it has no schema so any payload fits. */
  public readonly deadLetterTopic: PubsubTopic;
  /** Regions where both topics keep messages at rest, or undefined when no policy is set. */
  public readonly allowedPersistenceRegions?: string[];
  protected readonly allowPublicPublishing: boolean;

  public constructor(scope: Construct, id: string, props: IngestTopicProps) {
    super(scope, id);
    throwIfProblems('IngestTopic', this, [...nameProblems(props.name), ...labelProblems(props.labels), ...ingestTopicOptionProblems(props)]);

    const labels = pipelineLabels(props.name, props.labels);
    const retention = `${(props.messageRetentionDays ?? 7) * 86400}s`;
    this.allowPublicPublishing = props.allowPublicPublishing ?? false;
    this.allowedPersistenceRegions = props.allowedPersistenceRegions ?? persistenceRegionsFor(props.location ?? 'US');
    const messageStoragePolicy = this.allowedPersistenceRegions ? { allowedPersistenceRegions: this.allowedPersistenceRegions } : undefined;

    this.recordSchema = props.schema;
    this.pubsubSchema = new PubsubSchema(this, 'Schema', {
      name: physicalName(props.name, 'schema'),
      type: 'AVRO',
      definition: props.schema.toAvroJson(),
    });
    this.topic = new PubsubTopic(this, 'Topic', {
      name: physicalName(props.name, 'topic'),
      labels,
      messageRetentionDuration: retention,
      kmsKeyName: props.kmsKeyName,
      messageStoragePolicy,
      schemaSettings: {
        schema: this.pubsubSchema.id,
        encoding: props.encoding ?? MessageEncoding.JSON,
      },
      // The topic refers to the schema by id, which Terraform only knows once the schema exists.
      dependsOn: [this.pubsubSchema],
    });
    this.deadLetterTopic = new PubsubTopic(this, 'DeadLetterTopic', {
      name: physicalName(props.name, 'deadLetterTopic'),
      labels,
      messageRetentionDuration: retention,
      kmsKeyName: props.kmsKeyName,
      messageStoragePolicy,
    });
  }

  /** Full topic id, `projects/<project>/topics/<name>`. */
  public get topicId(): string {
    return this.topic.id;
  }

  /** Short topic name. */
  public get topicName(): string {
    return this.topic.name;
  }

  /** Full id of the dead-letter topic. */
  public get deadLetterTopicId(): string {
    return this.deadLetterTopic.id;
  }
}
