import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { Aspects, TerraformResource, TerraformStack, dependable } from 'cdktf';
import { Construct, IConstruct } from 'constructs';

/** Props of `ProjectApis`. */
export interface ProjectApisProps {
  /** Google APIs to enable, such as `pubsub.googleapis.com`. */
  readonly services: string[];

  /**
   * Project to enable them in.
   *
   * @default - the google provider's project
   */
  readonly project?: string;
}

/** The APIs an analytics pipeline uses, without the optional Artifact Registry one (added when an image is built). */
export const PIPELINE_APIS = [
  'pubsub.googleapis.com',
  'bigquery.googleapis.com',
  'run.googleapis.com',
  'monitoring.googleapis.com',
  'iam.googleapis.com',
  'cloudresourcemanager.googleapis.com',
];

/** Stands for every API the construct enables. */
const ALL = '*';

/**
 * Which APIs a resource waits for, by type (first matching pattern wins). Grants wait for every API: their member may
 * be a service agent (Pub/Sub's) that exists only once its API is enabled. Unlisted types wait for every API too.
 */
const APIS_BY_TYPE: Array<[RegExp, string[]]> = [
  [/_iam_(member|binding|policy)$|^google_bigquery_dataset_access$/, [ALL]],
  // A BigQuery subscription writes through the BigQuery API.
  [/^google_pubsub_subscription$/, ['pubsub.googleapis.com', 'bigquery.googleapis.com']],
  [/^google_pubsub_/, ['pubsub.googleapis.com']],
  [/^google_bigquery_/, ['bigquery.googleapis.com']],
  [/^google_cloud_run_/, ['run.googleapis.com']],
  [/^google_monitoring_/, ['monitoring.googleapis.com']],
  [/^google_service_account$/, ['iam.googleapis.com']],
  [/^(google_artifact_registry_|docker_registry_image$)/, ['artifactregistry.googleapis.com']],
  // Building an image talks to the local Docker engine only.
  [/^docker_image$/, []],
];

/** Construct id of the stack-wide `ProjectApis` that `ProjectApis.ofStack` returns. */
const STACK_APIS_ID = 'ProjectApis';

/**
 * Enables Google APIs in a project (`google_project_service`), never disabling them on destroy: other workloads of
 * the project may use them. `addDependents` makes resources wait for the APIs they need.
 */
export class ProjectApis extends Construct {
  /** One `google_project_service` per API, by API name. */
  public readonly services: { [api: string]: ProjectService } = {};
  private readonly wired = new WeakSet<IConstruct>();
  private readonly dependencies = new Map<string, string>();

  /**
   * The stack's one `ProjectApis` for the provider's project (id `ProjectApis` under the stack), created on first
   * use, with `services` enabled: pipelines of one stack share it instead of each declaring the same APIs.
   */
  public static ofStack(scope: IConstruct, services: string[]): ProjectApis {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(STACK_APIS_ID);
    const apis = existing instanceof ProjectApis ? existing : new ProjectApis(stack, STACK_APIS_ID, { services: [] });
    apis.enable(services);
    return apis;
  }

  private readonly project?: string;

  public constructor(scope: Construct, id: string, props: ProjectApisProps) {
    super(scope, id);
    this.project = props.project;
    this.enable(props.services);
  }

  /** Enables more APIs; an API already enabled here is not declared twice. */
  public enable(services: string[]): void {
    for (const api of services) {
      if (this.services[api]) continue;
      // The short name as construct id: `bigquery`, `run`, ... (ids are API: never renamed casually).
      this.services[api] = new ProjectService(this, api.replace(/\.googleapis\.com$/, ''), {
        project: this.project,
        service: api,
        // Disabling an API on destroy would break whatever else in the project uses it.
        disableOnDestroy: false,
        disableDependentServices: false,
      });
    }
  }


  /**
   * Makes every Terraform resource under `scope` (except these) depend on the APIs it needs, so a first apply in a
   * fresh project does not fail on a disabled API. Applied at synth (an Aspect), so resources added later count too.
   *
   * @param scope the constructs whose resources wait
   */
  public addDependents(scope: IConstruct): void {
    Aspects.of(scope).add({ visit: (node: IConstruct) => this.addDependenciesTo(node) });
  }

  private addDependenciesTo(node: IConstruct): void {
    // Aspects run on every synth of the stack: wire each resource once.
    if (!(node instanceof TerraformResource) || node.node.scope === this || this.wired.has(node)) return;
    this.wired.add(node);
    const enabled = Object.keys(this.services);
    const wanted = APIS_BY_TYPE.find(([pattern]) => pattern.test(node.terraformResourceType))?.[1] ?? [ALL];
    const apis = wanted.includes(ALL) ? enabled : wanted.filter((api) => enabled.includes(api));
    if (apis.length > 0) node.dependsOn = [...(node.dependsOn ?? []), ...apis.map((api) => this.dependencyOn(api))];
  }

  /**
   * dependable() renders `type.name` like the dependsOn constructor option does. One token per API, shared by every
   * resource: each token records a stack trace when created, and one per resource and API was ~10 % of a synth.
   */
  private dependencyOn(api: string): string {
    let token = this.dependencies.get(api);
    if (token === undefined) this.dependencies.set(api, (token = dependable(this.services[api])));
    return token;
  }
}
