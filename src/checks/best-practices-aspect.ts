import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, Aspects, IAspect, ISynthesisSession, TerraformDataSource, TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
// The one hook that runs inside stack synthesis, after validation and before error annotations abort it (TerraformAsset uses it too).
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Construct, IConstruct } from 'constructs';
import { annotationMessage, buildReport, Finding } from './report';
import { Block } from './attributes';
import { CheckedResource, IRule, RuleLevel, StackView, typeMatches } from './rule';
import { BestPracticeRules } from './rules';
import { addSuppression, RuleSuppression, suppressionsOf } from './suppressions';

/** Props of `BestPracticesAspect`. */
export interface BestPracticesAspectProps {
  /**
   * The rules to run. Add your own `IRule`s to `BestPracticeRules.all()`, or pick some.
   *
   * @default BestPracticeRules.all()
   */
  readonly rules?: IRule[];

  /**
   * File name of the JSON report written into each checked stack's output directory (`<outdir>/stacks/<stack>/`).
   * An empty string writes no report.
   *
   * @default 'checks-report.json'
   */
  readonly reportFileName?: string;
}

/**
 * Runs best-practice rules over every Terraform resource under the construct it is added to (a stack or any scope
 * inside one; `applyTo` also takes an app), whoever created the resource. Each finding becomes an annotation on its
 * resource (unsuppressed ERROR findings fail `app.synth()`, listed in the error) and a line of the stack's JSON report
 * (see docs/checks.md).
 *
 * ```ts
 * BestPracticesAspect.applyTo(stack);
 * BestPracticesAspect.suppress(pipeline.api.service, 'run-max-instances', 'load-tested: 200 instances stay within quota');
 * ```
 */
export class BestPracticesAspect implements IAspect {
  /**
   * Adds a new aspect to `scope` and returns it. cdktf runs aspects per stack and never those of the app, so given
   * an app (or any construct above the stacks) it adds the aspect to each stack under it: call it after the stacks exist.
   *
   * @param scope the app, stack or construct whose resources are checked
   * @param props rules and report options
   */
  public static applyTo(scope: IConstruct, props: BestPracticesAspectProps = {}): BestPracticesAspect {
    const aspect = new BestPracticesAspect(props);
    const insideStack = scope.node.scopes.some((c) => TerraformStack.isStack(c));
    const targets = insideStack ? [scope] : scope.node.findAll().filter((c) => TerraformStack.isStack(c));
    if (targets.length === 0) throw new Error(`BestPracticesAspect.applyTo(${scope.node.path || 'app'}): no stack to check; create the stacks first`);
    for (const target of targets) Aspects.of(target).add(aspect);
    return aspect;
  }

  /**
   * Silences one rule on one resource, with the reason. Throws when `resource` is not a Terraform resource, the
   * reason is shorter than ten characters, or the rule cannot be suppressed (such as `iam-primitive-role`).
   *
   * @param resource the Terraform resource the rule does not apply to
   * @param ruleId id of the rule
   * @param reason why, for the next reader; at least ten characters
   */
  public static suppress(resource: IConstruct, ruleId: string, reason: string): void {
    addSuppression(resource, ruleId, reason);
  }

  /** The suppressions recorded on a resource. */
  public static suppressionsOf(resource: IConstruct): RuleSuppression[] {
    return suppressionsOf(resource);
  }

  /** The rules this aspect runs. */
  public readonly rules: IRule[];

  private readonly reportFileName: string;
  private readonly checkedScopes = new Set<IConstruct>();
  private readonly stackResults = new Map<TerraformStack, { resources: number; findings: Finding[] }>();

  public constructor(props: BestPracticesAspectProps = {}) {
    this.rules = [...(props.rules ?? BestPracticeRules.all())];
    this.reportFileName = props.reportFileName ?? 'checks-report.json';
    const ids = this.rules.map((rule) => rule.id);
    const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
    if (duplicates.length > 0) throw new Error(`invalid BestPracticesAspect props: duplicate rule ids ${[...new Set(duplicates)].join(', ')}`);
  }

  /** Every finding so far, suppressed ones included, in the order the resources were checked. */
  public get findings(): Finding[] {
    return [...this.stackResults.values()].flatMap((result) => result.findings);
  }

  /** Checks the whole subtree the first time the aspect reaches it; later visits inside it do nothing. */
  public visit(node: IConstruct): void {
    if (node.node.scopes.some((scope) => this.checkedScopes.has(scope))) return;
    this.checkedScopes.add(node);

    const inScope = node.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
    const stacks = new Set(inScope.map((resource) => TerraformStack.of(resource)));
    for (const stack of stacks) {
      this.checkStack(stack, new Set(inScope.filter((resource) => TerraformStack.of(resource) === stack)));
    }
  }

  private checkStack(stack: TerraformStack, toCheck: Set<TerraformResource>): void {
    const { view, constructs } = stackView(stack);
    const findings: Finding[] = [];
    for (const resource of view.resources) {
      const construct = constructs.get(resource.address);
      if (construct === undefined || !toCheck.has(construct)) continue;
      const suppressions = suppressionsOf(construct);
      for (const rule of this.rules) {
        if (!rule.resourceTypes.some((pattern) => typeMatches(pattern, resource.type))) continue;
        for (const finding of runRule(rule, resource, view, suppressions)) {
          findings.push(finding);
          annotate(construct, finding);
        }
      }
    }
    const previous = this.stackResults.get(stack);
    this.stackResults.set(stack, {
      resources: (previous?.resources ?? 0) + toCheck.size,
      findings: [...(previous?.findings ?? []), ...findings],
    });
    if (previous === undefined && this.reportFileName !== '') this.writeReportOnSynthesis(stack);
  }

  private writeReportOnSynthesis(stack: TerraformStack): void {
    let id = 'BestPracticesReport';
    for (let n = 2; stack.node.tryFindChild(id); n++) id = `BestPracticesReport${n}`;
    addCustomSynthesis(new Construct(stack, id), {
      onSynthesize: (session: ISynthesisSession) => {
        const result = this.stackResults.get(stack) ?? { resources: 0, findings: [] };
        const directory = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
        fs.mkdirSync(directory, { recursive: true });
        const report = buildReport(stack.node.id, result.resources, this.rules.map((r) => r.id), result.findings);
        fs.writeFileSync(path.join(directory, this.reportFileName), `${JSON.stringify(report, null, 2)}\n`);
      },
    });
  }
}

/** Runs one rule on one resource; a rule that throws yields one ERROR finding naming it. */
function runRule(rule: IRule, resource: CheckedResource, view: StackView, suppressions: RuleSuppression[]): Finding[] {
  let messages: string[];
  let level = rule.level;
  try {
    const result = rule.check(resource, view);
    if (!Array.isArray(result)) throw new Error(`check returned ${typeof result}, not a list of messages`);
    messages = result.map(String);
  } catch (error) {
    level = RuleLevel.ERROR;
    messages = [`rule ${rule.id} threw instead of checking the resource: ${error instanceof Error ? error.message : String(error)}`];
  }
  const suppression = suppressions.find((s) => s.ruleId === rule.id);
  return messages.map((message) => {
    const base = {
      ruleId: rule.id,
      level,
      resourceAddress: resource.address,
      resourceType: resource.type,
      constructPath: resource.constructPath,
      explanation: rule.explanation,
      fix: rule.fix,
    };
    if (suppression && rule.suppressible) return { ...base, message, suppressed: true, suppressionReason: suppression.reason };
    const refused = suppression ? ` (suppression refused: rule ${rule.id} cannot be suppressed)` : '';
    return { ...base, message: `${message}${refused}`, suppressed: false };
  });
}

function annotate(construct: IConstruct, finding: Finding): void {
  if (finding.suppressed) return;
  const message = annotationMessage(finding);
  if (finding.level === RuleLevel.ERROR) Annotations.of(construct).addError(message);
  else if (finding.level === RuleLevel.WARNING) Annotations.of(construct).addWarning(message);
  else Annotations.of(construct).addInfo(message);
}

/** The stack as rules see it: its Terraform JSON (references resolved) joined to the constructs that produce it. */
function stackView(stack: TerraformStack): { view: StackView; constructs: Map<string, TerraformResource> } {
  const json: Block = stack.toTerraform();
  const constructs = new Map<string, TerraformResource>();
  const resources: CheckedResource[] = [];
  const providers: CheckedResource[] = [];
  const dataSources: CheckedResource[] = [];
  for (const construct of stack.node.findAll()) {
    if (TerraformResource.isTerraformResource(construct)) {
      const type = construct.terraformResourceType;
      const address = `${type}.${construct.friendlyUniqueId}`;
      const { ['//']: _metadata, ...attributes } = json.resource?.[type]?.[construct.friendlyUniqueId] ?? {};
      constructs.set(address, construct);
      resources.push({ type, address, constructPath: construct.node.path, attributes, takesLabels: takesLabels(construct, attributes) });
    } else if (construct instanceof TerraformProvider) {
      const type = construct.terraformResourceType;
      const configs: Block[] = json.provider?.[type] ?? [];
      const attributes = configs.find((c) => (c.alias ?? undefined) === construct.alias) ?? {};
      providers.push({ type, address: construct.fqn, constructPath: construct.node.path, attributes, takesLabels: false });
    } else if (construct instanceof TerraformDataSource) {
      const type = construct.terraformResourceType;
      const { ['//']: _metadata, ...attributes } = json.data?.[type]?.[construct.friendlyUniqueId] ?? {};
      dataSources.push({ type, address: `data.${type}.${construct.friendlyUniqueId}`, constructPath: construct.node.path, attributes, takesLabels: false });
    }
  }
  // Frozen so that rules stay pure: a rule that writes to what it reads throws, and is reported as failing.
  return { view: new StackView(resources.map(deepFreeze), providers.map(deepFreeze), dataSources.map(deepFreeze)), constructs };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Generated resource classes have `resetLabels` when the type takes labels (`resetUserLabels` on Cloud Monitoring). */
function takesLabels(resource: TerraformResource, attributes: Block): boolean {
  const methods = resource as unknown as { [key: string]: unknown };
  if (resource.terraformResourceType.startsWith('google_monitoring_')) return typeof methods.resetUserLabels === 'function';
  return typeof methods.resetLabels === 'function' || 'labels' in attributes;
}
