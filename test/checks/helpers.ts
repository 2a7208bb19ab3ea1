import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { BestPracticesAspect, BestPracticesAspectProps, Finding, RuleLevel } from '../../src';

/** A fresh stack with a google provider (app.synth() refuses resources without one). */
export function newStack(id = 'stack'): TerraformStack {
  const stack = new TerraformStack(Testing.app(), id);
  new GoogleProvider(stack, 'google', { project: 'acme', region: 'europe-west1' });
  return stack;
}

/** Runs the checks over what `build` adds to a fresh stack and returns every finding. */
export function check(build: (stack: TerraformStack) => void, props?: BestPracticesAspectProps): Finding[] {
  const stack = newStack();
  build(stack);
  const aspect = BestPracticesAspect.applyTo(stack, props);
  Testing.synth(stack);
  return aspect.findings;
}

/** The findings of one rule: `[address, message]` pairs, the shortest form a failure prints readably. */
export function findingsOf(ruleId: string, build: (stack: TerraformStack) => void): string[][] {
  return check(build)
    .filter((f) => f.ruleId === ruleId)
    .map((f) => [f.resourceAddress, f.message]);
}

/** Unsuppressed findings above INFO, as `ruleId path-below-the-stack: message` lines. */
export function aboveInfo(findings: Finding[]): string[] {
  return findings
    .filter((f) => f.level !== RuleLevel.INFO && !f.suppressed)
    .map((f) => `${f.ruleId} ${f.constructPath.split('/').slice(1).join('/')}: ${f.message}`);
}

/** A digest-pinned image reference. */
export const PINNED_IMAGE = `europe-docker.pkg.dev/acme/apis/api@sha256:${'a'.repeat(64)}`;
