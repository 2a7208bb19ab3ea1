import { CheckedResource, IRule, RuleLevel, StackView } from './rule';

/** A value of the synthesized Terraform JSON: string, number, boolean, list, block or null; rules read it loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Value = any;

/** A block of the synthesized Terraform JSON. */
export type Block = { [key: string]: Value };

/** What `defineRule` needs: an `IRule` whose `check` is a plain function. */
export interface RuleDefinition {
  readonly id: string;
  readonly level: RuleLevel;
  readonly explanation: string;
  readonly fix: string;
  readonly resourceTypes: string[];
  readonly suppressible?: boolean;
  readonly check: (resource: CheckedResource, stack: StackView) => string[];
}

/** Builds an immutable rule from a definition; rules are suppressible unless they say otherwise. */
export function defineRule(definition: RuleDefinition): IRule {
  const { check, ...rest } = definition;
  return Object.freeze({
    ...rest,
    resourceTypes: Object.freeze([...definition.resourceTypes]) as string[],
    suppressible: definition.suppressible ?? true,
    check: (resource: CheckedResource, stack: StackView) => check(resource, stack),
  });
}

/** A nested block: Terraform JSON writes single blocks as objects, cdktf sometimes as one-element lists. */
export function block(value: Value): Block | undefined {
  if (Array.isArray(value)) return isObject(value[0]) ? value[0] : undefined;
  return isObject(value) ? value : undefined;
}

/** Every instance of a repeated block, whether written as a list or as one object. */
export function blocks(value: Value): Block[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** Reads a path of nested blocks, such as `path(attrs, 'template', 'scaling', 'max_instance_count')`. */
export function path(attributes: Block | undefined, ...keys: string[]): Value {
  let current: Value = attributes;
  for (const key of keys) {
    const here = block(current);
    if (here === undefined) return undefined;
    current = here[key];
  }
  return current;
}

/** Whether a value is a Terraform expression (a reference, a variable, a function call) not known at synth time. */
export function isExpression(value: Value): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** True for `true` and `"true"`; expressions and everything else are not literally true. */
export function isTrue(value: Value): boolean {
  return value === true || value === 'true';
}

/** True for `false` and `"false"`. */
export function isFalse(value: Value): boolean {
  return value === false || value === 'false';
}

/** Whether a value is absent: undefined, null or an empty string. */
export function isUnset(value: Value): boolean {
  return value === undefined || value === null || value === '';
}

/** The principals that make a grant public: anyone on the internet, and anyone with a Google account. */
const PUBLIC_MEMBERS: readonly string[] = ['allUsers', 'allAuthenticatedUsers'];

/** Whether an IAM member is public (`allUsers`, `allAuthenticatedUsers`). */
export function isPublicMember(member: Value): boolean {
  return typeof member === 'string' && PUBLIC_MEMBERS.includes(member);
}

/** One role granted to members, with the IAM condition that limits it, if any. */
export interface Grant {
  readonly role: Value;
  readonly members: Value[];
  readonly condition?: Block;
}

/**
 * The grants of an IAM resource: its `member`, its `members`, or the bindings of its `policy_data`. Given the stack,
 * a `policy_data` that refers to a `google_iam_policy` data source of the stack yields that data source's bindings;
 * otherwise an expression yields none (it cannot be read at synth time).
 */
export function iamGrants(resource: CheckedResource, stack?: StackView): Grant[] {
  const attrs = resource.attributes;
  const condition = block(attrs.condition);
  if (resource.type.endsWith('_iam_member')) return [{ role: attrs.role, members: [attrs.member], condition }];
  if (resource.type.endsWith('_iam_binding')) return [{ role: attrs.role, members: Array.isArray(attrs.members) ? attrs.members : [attrs.members], condition }];
  if (resource.type.endsWith('_iam_policy')) {
    const source = stack?.referencedDataSource(attrs.policy_data);
    if (source?.type === 'google_iam_policy') return blocks(source.attributes.binding).map(toGrant);
    return policyBindings(attrs.policy_data);
  }
  return [];
}

/** Bindings of a literal IAM policy JSON; an expression (usually a `google_iam_policy` data source) yields none. */
function policyBindings(policyData: Value): Grant[] {
  if (typeof policyData !== 'string' || isExpression(policyData)) return [];
  try {
    const parsed = JSON.parse(policyData);
    return blocks(parsed?.bindings).map(toGrant);
  } catch {
    return [];
  }
}

function toGrant(binding: Block): Grant {
  return { role: binding.role, members: Array.isArray(binding.members) ? binding.members : [], condition: block(binding.condition) };
}

/** The members of a grant, for a message: `a, b`, or `its members` when they are an expression. */
export function describeMembers(members: Value[]): string {
  return members.filter((m) => !isUnset(m)).join(', ') || 'its members';
}

/**
 * Whether `value` names `target`: a reference to its address, or a literal equal to its name, its id or the last
 * segment of a `projects/.../<kind>/<name>` id.
 */
export function refersTo(value: Value, target: CheckedResource, stack: StackView, nameAttribute = 'name'): boolean {
  if (typeof value !== 'string' || value === '') return false;
  const referenced = stack.referencedResource(value);
  if (referenced) return referenced.address === target.address;
  if (isExpression(value)) return false;
  const name = target.attributes[nameAttribute];
  if (typeof name !== 'string' || isExpression(name)) return false;
  return value === name || value.split('/').pop() === name;
}

function isObject(value: Value): value is Block {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
