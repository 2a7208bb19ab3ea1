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

/** Read-only view of every resource and provider of a stack, for rules that look across resources. */
export class StackView {
  /** Every resource of the stack, in construct-tree order. */
  public readonly resources: CheckedResource[];

  /** Every provider of the stack; the address of an aliased provider is `<name>.<alias>`. */
  public readonly providers: CheckedResource[];

  private readonly byAddress: Map<string, CheckedResource>;

  /**
   * @param resources every resource of the stack
   * @param providers every provider of the stack
   */
  public constructor(resources: CheckedResource[], providers: CheckedResource[]) {
    this.resources = [...resources];
    this.providers = [...providers];
    this.byAddress = new Map(this.resources.map((r) => [r.address, r]));
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

  /** The provider configuration a resource uses: its `provider` meta-argument, else the unaliased one of its type's prefix. */
  public providerOf(resource: CheckedResource): CheckedResource | undefined {
    const explicit = resource.attributes.provider;
    if (typeof explicit === 'string') return this.providers.find((p) => p.address === explicit);
    const name = resource.type.split('_')[0];
    return this.providers.find((p) => p.address === name);
  }
}

/** Addresses (`type.name`) of the resources a value's `${...}` expressions refer to; data sources excluded. */
export function referencedAddresses(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  const addresses: string[] = [];
  for (const expression of value.match(/\$\{[^}]*\}/g) ?? []) {
    for (const match of expression.matchAll(/(^|[^\w.])(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g)) {
      if (!match[2]) addresses.push(`${match[3]}.${match[4]}`);
    }
  }
  return addresses;
}

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
