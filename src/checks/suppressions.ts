import { TerraformResource } from 'cdktf';
import { IConstruct } from 'constructs';
import { BestPracticeRules } from './rules';

/** Metadata type under which suppressions are stored on the resource's construct node. */
const SUPPRESSION_METADATA = 'cdktf-gcp-analytics-pipeline:checks-suppression';

/** Fewest characters (after trimming) a suppression reason must have. */
export const MIN_REASON_LENGTH = 10;

/** A rule silenced on one resource, and why. */
export interface RuleSuppression {
  /** Id of the suppressed rule. */
  readonly ruleId: string;

  /** Why the rule does not apply to this resource; at least ten characters. */
  readonly reason: string;
}

/**
 * Records a suppression on a resource. Throws when the construct is not a Terraform resource, the reason is shorter
 * than ten characters, or the rule is a built-in one that cannot be suppressed.
 */
export function addSuppression(resource: IConstruct, ruleId: string, reason: string): void {
  const problems: string[] = [];
  if (!TerraformResource.isTerraformResource(resource)) {
    problems.push(
      `suppressions are per resource: ${resource.node.path} is not a Terraform resource; pass the resource itself (for example pipeline.api.service)`,
    );
  }
  if (typeof ruleId !== 'string' || ruleId.trim() === '') problems.push('ruleId must be a rule id such as "run-public-invoker"');
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  if (trimmed.length < MIN_REASON_LENGTH) {
    problems.push(`reason must say why in at least ${MIN_REASON_LENGTH} characters, got ${JSON.stringify(reason)} (${trimmed.length})`);
  }
  const builtIn = BestPracticeRules.find(ruleId);
  if (builtIn && !builtIn.suppressible) problems.push(`rule ${ruleId} cannot be suppressed: ${builtIn.fix}`);
  if (problems.length > 0) {
    throw new Error(`invalid suppression of ${ruleId} on ${resource.node.path}:\n  - ${problems.join('\n  - ')}`);
  }
  resource.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason: trimmed });
}

/** The suppressions recorded on a construct (not on its children). */
export function suppressionsOf(construct: IConstruct): RuleSuppression[] {
  return construct.node.metadata
    .filter((entry) => entry.type === SUPPRESSION_METADATA)
    .map((entry) => ({ ruleId: entry.data.ruleId, reason: entry.data.reason }));
}
