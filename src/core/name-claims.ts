import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

/** Physical names already owned in each stack, with the path of their owner. */
const claims = new WeakMap<TerraformStack, Map<string, string>>();

/** One problem per name in `names` that another construct of the same stack already owns. */
export function physicalNameConflicts(scope: Construct, names: readonly string[]): string[] {
  const owned = claims.get(TerraformStack.of(scope));
  if (!owned) return [];
  return names
    .filter((n) => owned.has(n))
    .map((n) => `name derives ${n}, which ${owned.get(n)} already owns in this stack: pick another name`);
}

/** Records that `scope` owns `names` in its stack, so a later pipeline cannot derive the same ones. */
export function claimPhysicalNames(scope: Construct, names: readonly string[]): void {
  const stack = TerraformStack.of(scope);
  const owned = claims.get(stack) ?? new Map<string, string>();
  for (const n of names) owned.set(n, scope.node.path);
  claims.set(stack, owned);
}
