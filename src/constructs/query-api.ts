import { BigqueryTableIamMember } from '@cdktf/provider-google/lib/bigquery-table-iam-member';
import { CloudRunV2Service, CloudRunV2ServiceTemplateContainersEnv } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { encodeCloudServiceEnv, isEventPublisherMember } from '../contract/service-env';
import { IIngestTopic, IQueryableView } from './pipeline-parts';
import { ServiceImage } from './service-image';
import { ServiceImageConfig } from './service-image-config';
import { checkIntegerRange, labelProblems, nameProblems, pipelineLabels, throwIfProblems } from '../core/validation';
import { physicalName } from '../core/physical-names';
import { checkGrantMember, memberProblems } from './iam-members';

/** Where requests to the API may come from (Cloud Run ingress). */
export enum ApiIngress {
  /** Any network, still subject to IAM unless public access is allowed. */
  ALL = 'INGRESS_TRAFFIC_ALL',
  /** Only the project's VPC networks and some Google services. */
  INTERNAL_ONLY = 'INGRESS_TRAFFIC_INTERNAL_ONLY',
  /** Internal traffic and an external Application Load Balancer in front of the service. */
  INTERNAL_AND_CLOUD_LOAD_BALANCING = 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
}

/** Options of the query API, reusable by `AnalyticsPipeline`. */
export interface QueryApiOptions {
  /**
   * Cloud Run region of the service.
   *
   * @default - the google provider's region
   */
  readonly region?: string;

  /**
   * Widest time range one request may query, in days. Bounds the bytes BigQuery scans per request.
   * Between 1 and 366.
   *
   * @default 31
   */
  readonly maxQueryWindowDays?: number;

  /**
   * Most bytes one query may bill (`maximumBytesBilled`); a query that would scan more fails instead of
   * costing more. At least 10 MiB (BigQuery bills at least 10 MB per query).
   *
   * @default 10737418240 (10 GiB)
   */
  readonly maxBytesBilled?: number;

  /**
   * Most rows one BigQuery list query returns (`MAX_ROWS_PER_QUERY`). A page reads only the rows it needs and the
   * next pages read on in that query's result, which bills nothing; a walk bills a partition again only after
   * this many of its rows. Higher lowers what walking busy partitions costs, at the price of a slower first page
   * and a bigger stored result. Between 1001 and 10000000.
   *
   * @default 100000
   */
  readonly maxRowsPerQuery?: number;

  /**
   * How long the service waits for one BigQuery query, in milliseconds. Between 1000 and 600000, and below
   * the request timeout. Above 9000, a query still running when Cloud Run stops an instance (SIGKILL 10 s after
   * SIGTERM) is cut off instead of answered, and the service logs a warning at start.
   *
   * @default 9000
   */
  readonly queryTimeoutMs?: number;

  /**
   * Whether the API offers `POST /v1/events`, publishing to the ingest topic. Grants the API's account
   * `roles/pubsub.publisher` on that one topic.
   *
   * @default false
   */
  readonly enableEventsEndpoint?: boolean;

  /**
   * Who may publish through `POST /v1/events`: `user:<email>` or `serviceAccount:<email>` members, each also
   * granted `roles/run.invoker`. The service compares them with the identity Cloud Run verified for the request
   * and answers 403 to any other caller, so readers of the API cannot write. Groups and domains cannot be
   * checked this way (the identity token names the account, not its groups) and are refused. Required with
   * `enableEventsEndpoint`.
   *
   * @default - none; the events endpoint is off
   */
  readonly eventPublishers?: string[];

  /**
   * Whether the service serves its interactive API reference at `/docs`: Swagger UI rendered from the service's own
   * `/openapi.json`, with "try it" against the same origin. On by default: it shows the callers the API already
   * admits (roles/run.invoker) exactly what `/openapi.json` tells them, its files are inside the image, and the page
   * makes no request to any other host (strict Content-Security-Policy). Off, `/docs` answers 404.
   *
   * @default true
   */
  readonly enableApiDocs?: boolean;

  /**
   * Who may call the API, as IAM members (`user:ana@example.com`, `serviceAccount:...`, `group:...`). Public
   * access must be asked for with `allowPublicAccess`.
   *
   * @default - only principals granted roles/run.invoker elsewhere
   */
  readonly invokers?: string[];

  /**
   * Whether anyone on the internet may call the API (`allUsers` gets roles/run.invoker), and whether `invokers`
   * and `grantInvoke` may name public or domain-wide members. Refused with `enableEventsEndpoint`: behind a public
   * service the caller's identity is not verified, so nobody could be told apart from a publisher.
   *
   * @default false
   */
  readonly allowPublicAccess?: boolean;

  /**
   * Where requests may come from.
   *
   * @default ApiIngress.ALL
   */
  readonly ingress?: ApiIngress;

  /**
   * vCPUs per instance: 1, 2, 4, 6 or 8.
   *
   * @default 1
   */
  readonly cpu?: number;

  /**
   * Memory per instance, in MiB. Between 512 and 32768; Cloud Run needs at least 2 vCPUs above 4 GiB, 4 above 8 GiB,
   * 6 above 16 GiB and 8 above 24 GiB.
   *
   * @default 512
   */
  readonly memoryMiB?: number;

  /**
   * Instances kept warm. Between 0 and 100.
   *
   * @default 0
   */
  readonly minInstances?: number;

  /**
   * Most instances Cloud Run may start: caps cost and the load on BigQuery. Between 1 and 1000, at least
   * `minInstances`.
   *
   * @default 10
   */
  readonly maxInstances?: number;

  /**
   * Requests one instance serves at once. Between 1 and 1000.
   *
   * @default 80
   */
  readonly maxConcurrentRequests?: number;

  /**
   * Longest a request may take, in seconds. Between 1 and 3600.
   *
   * @default 30
   */
  readonly requestTimeoutSeconds?: number;

  /**
   * Whether Terraform refuses to destroy the service (`deletion_protection`).
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Whether Terraform owns the service's revisions. Set it to false when a deploy tool (`gcloud run deploy`, Cloud
   * Deploy, a CI job) rolls out images: the service is created with the given image, then its container image,
   * `client`, `client_version` and revision name are left to that tool (`lifecycle.ignore_changes`), so the next
   * `terraform apply` does not roll back what the tool deployed. Every other setting stays under Terraform. With
   * `ServiceImage.fromBundledService`, later builds are still pushed but no longer deployed.
   *
   * @default true
   */
  readonly manageRevisions?: boolean;
}

/** Props of `QueryApi`. */
export interface QueryApiProps extends QueryApiOptions {
  /** Pipeline name the physical names derive from: service `<name>-api`, service account `<name>-query`. */
  readonly name: string;

  /** Container image of the query API, pinned by tag or digest. */
  readonly image: ServiceImage;

  /** The view the API reads: an `AnalyticsTable`, or a view from `AnalyticsTable.fromViewReference`. */
  readonly table: IQueryableView;

  /**
   * The topic `POST /v1/events` publishes to (an `IngestTopic` or one from `IngestTopic.fromTopicAttributes`);
   * required when `enableEventsEndpoint` is true.
   *
   * @default - none
   */
  readonly ingest?: IIngestTopic;

  /**
   * Labels for the service (`pipeline=<name>` is always added).
   *
   * @default - only pipeline=<name>
   */
  readonly labels?: { [key: string]: string };
}

/** The longest query timeout whose shutdown drain fits Cloud Run's fixed 10 s stop window (see server.ts). */
const DEFAULT_QUERY_TIMEOUT_MS = 9000;
const PUBLIC_API = { name: 'allowPublicAccess', what: 'the API' };
const CPUS = [1, 2, 4, 6, 8];
/** Cloud Run's memory limits per vCPU count: above the MiB on the left, at least the vCPUs on the right. */
const CPUS_FOR_MEMORY: Array<[number, number]> = [[24576, 8], [16384, 6], [8192, 4], [4096, 2]];
/** The fields a deploy tool changes on a Cloud Run v2 service (as mature modules ignore them for unmanaged revisions). */
export const REVISION_FIELDS = ['client', 'client_version', 'template[0].containers[0].image', 'template[0].revision'] as const;
const MIN_BYTES_BILLED = 10 * 1024 * 1024;

/** Every broken rule of `QueryApiOptions`. */
export function queryApiOptionProblems(options: QueryApiOptions): string[] {
  const problems: string[] = [];
  checkIntegerRange(problems, 'maxQueryWindowDays', options.maxQueryWindowDays, 1, 366);
  checkIntegerRange(problems, 'maxBytesBilled', options.maxBytesBilled, MIN_BYTES_BILLED, Number.MAX_SAFE_INTEGER);
  checkIntegerRange(problems, 'maxRowsPerQuery', options.maxRowsPerQuery, 1001, 10_000_000);
  checkIntegerRange(problems, 'queryTimeoutMs', options.queryTimeoutMs, 1000, 600000);
  checkIntegerRange(problems, 'memoryMiB', options.memoryMiB, 512, 32768);
  checkIntegerRange(problems, 'minInstances', options.minInstances, 0, 100);
  checkIntegerRange(problems, 'maxInstances', options.maxInstances, 1, 1000);
  checkIntegerRange(problems, 'maxConcurrentRequests', options.maxConcurrentRequests, 1, 1000);
  checkIntegerRange(problems, 'requestTimeoutSeconds', options.requestTimeoutSeconds, 1, 3600);
  if (options.cpu !== undefined && !Token.isUnresolved(options.cpu) && !CPUS.includes(options.cpu)) {
    problems.push(`cpu must be one of ${CPUS.join(', ')}, got ${options.cpu}`);
  }
  const memoryMiB = options.memoryMiB ?? 512;
  const cpu = options.cpu ?? 1;
  if (!Token.isUnresolved(memoryMiB) && !Token.isUnresolved(cpu) && CPUS.includes(cpu)) {
    const needed = CPUS_FOR_MEMORY.find(([aboveMiB]) => memoryMiB > aboveMiB)?.[1];
    if (needed !== undefined && cpu < needed) {
      problems.push(`cpu must be at least ${needed} for memoryMiB ${memoryMiB} (Cloud Run's limit per vCPU), got ${cpu}`);
    }
  }
  if (options.ingress !== undefined && !Object.values(ApiIngress).includes(options.ingress)) {
    problems.push(`ingress must be one of ${Object.values(ApiIngress).join(', ')}, got ${JSON.stringify(options.ingress)}`);
  }
  const min = options.minInstances ?? 0;
  const max = options.maxInstances ?? 10;
  if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && min > max) {
    problems.push(`minInstances must not exceed maxInstances, got ${min} > ${max}`);
  }
  const queryMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const requestS = options.requestTimeoutSeconds ?? 30;
  if (!Token.isUnresolved(queryMs) && !Token.isUnresolved(requestS) && queryMs >= requestS * 1000) {
    problems.push(`queryTimeoutMs must be below requestTimeoutSeconds * 1000 so a slow query fails cleanly, got ${queryMs} >= ${requestS * 1000}`);
  }
  problems.push(...memberProblems('invokers', options.invokers, { ...PUBLIC_API, given: options.allowPublicAccess }));
  problems.push(...eventsProblems(options));
  return problems;
}

/** Every broken rule of the events endpoint's authorization. */
function eventsProblems(options: QueryApiOptions): string[] {
  const problems: string[] = [];
  const publishers = options.eventPublishers;
  if (options.enableEventsEndpoint && options.allowPublicAccess) {
    problems.push('enableEventsEndpoint must not be combined with allowPublicAccess: behind a public service the caller is not verified, so anyone could publish');
  }
  if (publishers !== undefined && !options.enableEventsEndpoint) problems.push('eventPublishers needs enableEventsEndpoint: true');
  if (options.enableEventsEndpoint && (publishers === undefined || publishers.length === 0)) {
    problems.push('enableEventsEndpoint needs eventPublishers, the user: or serviceAccount: members allowed to publish (readers of the API may not)');
  }
  for (const member of publishers ?? []) {
    if (!Token.isUnresolved(member) && !isEventPublisherMember(member)) {
      problems.push(`eventPublishers entry ${JSON.stringify(member)} must be user:<email> or serviceAccount:<email>: the service checks the caller's own account, not groups or domains`);
    }
  }
  return problems;
}

/**
 * The HTTP API third parties call: a Cloud Run service running the given image with a service account that may
 * only run BigQuery jobs and read the view, health probes on `/healthz`, and invoker grants. Private
 * unless public access is asked for.
 */
export class QueryApi extends Construct {
  /** The identity the service runs as. */
  public readonly serviceAccount: ServiceAccount;
  /** `roles/bigquery.jobUser` on the project: the only project-level role of the pipeline. */
  public readonly jobUserGrant: ProjectIamMember;
  /** `roles/bigquery.dataViewer` on the view only (a table-level grant: the view's dataset lists owners only). */
  public readonly viewGrant: BigqueryTableIamMember;
  /** `roles/pubsub.publisher` on the ingest topic, when the events endpoint is enabled. */
  public readonly eventsPublisherGrant?: PubsubTopicIamMember;
  /** The provider's configuration, read for the default region. */
  public readonly clientConfig?: DataGoogleClientConfig;
  /** The Cloud Run service. */
  public readonly service: CloudRunV2Service;
  /** `roles/run.invoker` grants, one per invoker (and `allUsers` when public). */
  public readonly invokerGrants: CloudRunV2ServiceIamMember[] = [];
  /** The image as bound to this service: the reference Cloud Run pulls and the Google APIs its resources need. */
  public readonly imageConfig: ServiceImageConfig;
  private readonly allowPublicAccess: boolean;

  public constructor(scope: Construct, id: string, props: QueryApiProps) {
    super(scope, id);
    const problems = [...nameProblems(props.name), ...labelProblems(props.labels), ...queryApiOptionProblems(props)];
    if (props.enableEventsEndpoint && !props.ingest) problems.push('enableEventsEndpoint needs ingest, the topic to publish to');
    throwIfProblems('QueryApi', this, problems);

    const { table } = props;
    const image = props.image.bind(this, { name: props.name, region: props.region, labels: props.labels });
    this.imageConfig = image;
    const project = table.viewRef.projectId;

    this.serviceAccount = new ServiceAccount(this, 'ServiceAccount', {
      accountId: physicalName(props.name, 'apiAccount'),
      displayName: `${props.name} query API`,
      description: `Runs the ${props.name} query API: may run BigQuery jobs and read the view, nothing else.`,
    });
    this.jobUserGrant = new ProjectIamMember(this, 'JobUserGrant', {
      project,
      role: 'roles/bigquery.jobUser',
      member: this.serviceAccount.member,
    });
    this.viewGrant = new BigqueryTableIamMember(this, 'ViewGrant', {
      project,
      datasetId: table.viewRef.datasetId,
      tableId: table.viewRef.tableId,
      role: 'roles/bigquery.dataViewer',
      member: this.serviceAccount.member,
    });

    if (props.enableEventsEndpoint && props.ingest) {
      this.eventsPublisherGrant = new PubsubTopicIamMember(this, 'EventsPublisherGrant', {
        topic: props.ingest.topicId,
        role: 'roles/pubsub.publisher',
        member: this.serviceAccount.member,
      });
    }
    const env: CloudRunV2ServiceTemplateContainersEnv[] = encodeCloudServiceEnv({
      projectId: project,
      datasetId: table.viewRef.datasetId,
      viewId: table.viewRef.tableId,
      location: table.location,
      pipelineName: props.name,
      schemaJson: table.exposedSchema.toJson(),
      maxQueryWindowDays: props.maxQueryWindowDays ?? 31,
      maxBytesBilled: props.maxBytesBilled ?? 10 * 1024 ** 3,
      queryTimeoutMs: props.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
      maxRowsPerQuery: props.maxRowsPerQuery,
      partitionGranularity: table.partitioning,
      apiDocs: props.enableApiDocs ?? true,
      // Events are validated against the whole record the topic takes, not the columns the view exposes; the service
      // refuses every caller but the publishers with 403: invoking the API is not enough to write.
      events: this.eventsPublisherGrant && props.ingest
        ? { topicId: props.ingest.topicId, schemaJson: props.ingest.recordSchema.toJson(), publishers: props.eventPublishers ?? [] }
        : undefined,
    });

    let region = props.region;
    if (region === undefined) {
      this.clientConfig = new DataGoogleClientConfig(this, 'ClientConfig');
      region = this.clientConfig.region;
    }

    const port = 8080;
    this.service = new CloudRunV2Service(this, 'Service', {
      name: physicalName(props.name, 'service'),
      location: region,
      description: `Query API of the ${props.name} analytics pipeline.`,
      labels: pipelineLabels(props.name, props.labels),
      ingress: props.ingress ?? ApiIngress.ALL,
      deletionProtection: props.deletionProtection ?? true,
      template: {
        serviceAccount: this.serviceAccount.email,
        maxInstanceRequestConcurrency: props.maxConcurrentRequests ?? 80,
        timeout: `${props.requestTimeoutSeconds ?? 30}s`,
        scaling: { minInstanceCount: props.minInstances ?? 0, maxInstanceCount: props.maxInstances ?? 10 },
        containers: [{
          image: image.imageUri,
          ports: { containerPort: port },
          resources: {
            limits: { cpu: String(props.cpu ?? 1), memory: `${props.memoryMiB ?? 512}Mi` },
            // CPU only while serving requests: the API does no background work.
            cpuIdle: true,
            startupCpuBoost: true,
          },
          env,
          startupProbe: {
            httpGet: { path: '/healthz', port },
            periodSeconds: 2,
            timeoutSeconds: 1,
            failureThreshold: 15,
          },
          livenessProbe: {
            httpGet: { path: '/healthz', port },
            periodSeconds: 30,
            timeoutSeconds: 5,
            failureThreshold: 3,
          },
        }],
      },
      // The service must not start before it may read what it serves.
      dependsOn: [this.jobUserGrant, this.viewGrant, ...(this.eventsPublisherGrant ? [this.eventsPublisherGrant] : [])],
      // What `gcloud run deploy` changes on every rollout; ignored so Terraform does not undo a deploy tool's work.
      lifecycle: props.manageRevisions === false ? { ignoreChanges: [...REVISION_FIELDS] } : undefined,
    });

    this.allowPublicAccess = props.allowPublicAccess ?? false;
    // allowPublicAccess grants allUsers once, below; publishers must reach the service to publish.
    const callers = [...(props.invokers ?? []), ...(props.enableEventsEndpoint ? props.eventPublishers ?? [] : [])];
    const members = new Set(callers.filter((m) => !(m === 'allUsers' && props.allowPublicAccess)));
    for (const member of members) {
      this.grantInvoke(Token.isUnresolved(member) ? `Invoker${this.invokerGrants.length}` : `Invoker-${member}`, member);
    }
    if (props.allowPublicAccess) {
      this.grantInvoke('PublicInvoker', 'allUsers');
    }
  }

  /**
   * Lets `member` call the API (`roles/run.invoker` on this service only). Refuses public and domain-wide members
   * unless `allowPublicAccess` is true. Invoking reads; publishing events also needs `eventPublishers`.
   *
   * @param id construct id of the grant; keep it stable, the member may be a token
   * @param member IAM member, such as `serviceAccount:caller@p.iam.gserviceaccount.com`
   */
  public grantInvoke(id: string, member: string): CloudRunV2ServiceIamMember {
    checkGrantMember(this, 'grantInvoke', member, { ...PUBLIC_API, given: this.allowPublicAccess });
    const grant = new CloudRunV2ServiceIamMember(this, id, {
      name: this.service.name,
      location: this.service.location,
      project: this.service.project,
      role: 'roles/run.invoker',
      member,
    });
    this.invokerGrants.push(grant);
    return grant;
  }

  /** HTTPS URL of the service. */
  public get serviceUrl(): string {
    return this.service.uri;
  }

  /** Email of the account the service runs as. */
  public get serviceAccountEmail(): string {
    return this.serviceAccount.email;
  }
}
