import { RuleLevel } from './rule';

/** One problem one rule found on one resource. */
export interface Finding {
  /** Id of the rule that found it. */
  readonly ruleId: string;

  /** Level of the rule (ERROR for a rule that threw). */
  readonly level: RuleLevel;

  /** Terraform address of the resource, `<type>.<name>`. */
  readonly resourceAddress: string;

  /** Terraform type of the resource. */
  readonly resourceType: string;

  /** Construct path of the resource. */
  readonly constructPath: string;

  /** What is wrong with this resource. */
  readonly message: string;

  /** Why the rule exists. */
  readonly explanation: string;

  /** What to change. */
  readonly fix: string;

  /** Whether a suppression with a reason silences this finding. */
  readonly suppressed: boolean;

  /**
   * The reason of the suppression that silences it.
   *
   * @default - not suppressed
   */
  readonly suppressionReason?: string;
}

/** Version of the JSON report format; bumped when a field changes meaning or disappears. */
export const REPORT_FORMAT_VERSION = 1;

const LEVEL_ORDER = [RuleLevel.ERROR, RuleLevel.WARNING, RuleLevel.INFO];

/** Orders findings by level (errors first), then resource address, then rule id. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) ||
      a.resourceAddress.localeCompare(b.resourceAddress) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.message.localeCompare(b.message),
  );
}

/** The JSON report of one stack: deterministic (no timestamps), so it can be diffed and committed. */
export function buildReport(stackName: string, resourceCount: number, ruleIds: string[], findings: Finding[]): object {
  const active = findings.filter((f) => !f.suppressed);
  const count = (level: RuleLevel) => active.filter((f) => f.level === level).length;
  return {
    formatVersion: REPORT_FORMAT_VERSION,
    tool: 'cdktf-gcp-analytics-pipeline/checks',
    stack: stackName,
    summary: {
      resources: resourceCount,
      rules: ruleIds.length,
      errors: count(RuleLevel.ERROR),
      warnings: count(RuleLevel.WARNING),
      infos: count(RuleLevel.INFO),
      suppressed: findings.length - active.length,
    },
    rules: [...ruleIds].sort(),
    findings: sortFindings(findings).map((f) => ({
      ruleId: f.ruleId,
      level: f.level,
      resource: f.resourceAddress,
      resourceType: f.resourceType,
      path: f.constructPath,
      message: f.message,
      explanation: f.explanation,
      fix: f.fix,
      suppressed: f.suppressed,
      ...(f.suppressionReason !== undefined ? { suppressionReason: f.suppressionReason } : {}),
    })),
  };
}

/** The annotation text of a finding: rule id, what is wrong, how to fix it. */
export function annotationMessage(finding: Finding): string {
  return `[${finding.ruleId}] ${finding.resourceAddress}: ${finding.message}. Fix: ${finding.fix}`;
}
