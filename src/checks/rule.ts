/** How serious a finding is. ERROR findings fail synthesis; WARNING and INFO findings are reported only. */
export enum RuleLevel {
  /** Fails `app.synth()`: a security hole, data loss or a pipeline that silently drops data. */
  ERROR = 'error',
  /** A likely mistake with a cost or reliability price; synthesis continues. */
  WARNING = 'warning',
  /** A choice worth making consciously; never a defect on its own. */
  INFO = 'info',
}

/** One Terraform resource (or provider) as a rule sees it: its type, address and synthesized attributes. */
export interface CheckedResource {
  /** Terraform type, such as `google_pubsub_topic` (for a provider: its name, such as `google`). */
  readonly type: string;

  /** Terraform address `<type>.<name>`, the form references to it take (`${<type>.<name>.<attribute>}`). */
  readonly address: string;

  /** Path of the construct in the tree, such as `stack/Flights/Ingest/Topic`. */
  readonly constructPath: string;

  /**
   * Attributes as they are written to the Terraform JSON: snake_case keys, single blocks as objects, references
   * resolved to `${type.name.attribute}` expressions, meta-arguments such as `provider` and `depends_on` included.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly attributes: { [key: string]: any };

  /** Whether the resource type takes resource labels (`labels`, or `user_labels` on Cloud Monitoring resources). */
  readonly takesLabels: boolean;
}

/** A rule: an id, a level, why it exists, how to fix it, which resources it looks at, and the check itself. */
export interface IRule {
  /** Stable identifier, used in annotations, the report and suppressions, such as `run-public-invoker`. */
  readonly id: string;

  /** Level of the findings the rule reports. */
  readonly level: RuleLevel;

  /** Why the rule exists: the risk when it fails. */
  readonly explanation: string;

  /** What to change so the rule passes. */
  readonly fix: string;

  /**
   * Terraform types the rule applies to. `*` matches any run of characters: `google_*_iam_member`, or `*` for
   * every resource.
   */
  readonly resourceTypes: string[];

  /** Whether `BestPracticesAspect.suppress` may silence the rule on a resource. */
  readonly suppressible: boolean;

  /**
   * Checks one resource and returns one message per problem found; an empty list means the resource passes.
   * Must not modify anything: `stack` is a read-only view for rules that look at other resources.
   */
  check(resource: CheckedResource, stack: StackView): string[];
}

/** Read-only view of every resource, provider and data source of a stack, for rules that look across resources. */
export class StackView {
  /** Every resource of the stack, in construct-tree order. */
  public readonly resources: CheckedResource[];

  /** Every provider of the stack; the address of an aliased provider is `<name>.<alias>`. */
  public readonly providers: CheckedResource[];

  /** Every data source of the stack; its address is `data.<type>.<name>`. */
  public readonly dataSources: CheckedResource[];

  private readonly byAddress: Map<string, CheckedResource>;

  /**
   * @param resources every resource of the stack
   * @param providers every provider of the stack
   * @param dataSources every data source of the stack (addresses `data.<type>.<name>`)
   */
  public constructor(resources: CheckedResource[], providers: CheckedResource[], dataSources: CheckedResource[] = []) {
    this.resources = [...resources];
    this.providers = [...providers];
    this.dataSources = [...dataSources];
    this.byAddress = new Map([...this.resources, ...this.dataSources].map((r) => [r.address, r]));
  }

  /** The resource with this address (`<type>.<name>`), if the stack has it. */
  public find(address: string): CheckedResource | undefined {
    return this.byAddress.get(address);
  }

  /** Every resource of this Terraform type. */
  public ofType(resourceType: string): CheckedResource[] {
    return this.resources.filter((r) => r.type === resourceType);
  }

  /**
   * The first resource of this stack a value refers to, such as the topic behind
   * `${google_pubsub_topic.dead_letters.id}`; undefined for literals and references to data sources or other stacks.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public referencedResource(value: any): CheckedResource | undefined {
    for (const address of referencedAddresses(value)) {
      const found = this.byAddress.get(address);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The first data source of this stack a value refers to, such as the `google_iam_policy` behind
   * `${data.google_iam_policy.readers.policy_data}`; undefined for literals and references to resources.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public referencedDataSource(value: any): CheckedResource | undefined {
    for (const address of referencedAddresses(value, true)) {
      const found = this.byAddress.get(address);
      if (found) return found;
    }
    return undefined;
  }

  /** The provider configuration a resource uses: its `provider` meta-argument, else the unaliased one of its type's prefix. */
  public providerOf(resource: CheckedResource): CheckedResource | undefined {
    const explicit = resource.attributes.provider;
    if (typeof explicit === 'string') return this.providers.find((p) => p.address === explicit);
    const name = resource.type.split('_')[0];
    return this.providers.find((p) => p.address === name);
  }
}

/**
 * Addresses of what a value's `${...}` expressions refer to: resources (`type.name`), or with `dataSources` only the
 * data sources (`data.type.name`).
 */
export function referencedAddresses(value: unknown, dataSources = false): string[] {
  if (typeof value !== 'string') return [];
  const addresses: string[] = [];
  for (const expression of value.match(EXPRESSION) ?? []) {
    for (const match of expression.matchAll(REFERENCE)) {
      if (Boolean(match[2]) === dataSources) addresses.push(`${match[2] ?? ''}${match[3]}.${match[4]}`);
    }
  }
  return addresses;
}

const EXPRESSION = /\$\{[^}]*\}/g;
const REFERENCE = /(^|[^\w.])(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g;

/** Whether a rule's `resourceTypes` pattern (`*` = any run of characters) matches a Terraform type. */
export function typeMatches(pattern: string, type: string): boolean {
  let regex = PATTERNS.get(pattern);
  if (regex === undefined) PATTERNS.set(pattern, (regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`)));
  return regex.test(type);
}

/** Compiled type patterns: every rule is matched against every resource of a synth. */
const PATTERNS = new Map<string, RegExp>();

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
