import { BigqueryDatasetAccess } from '@cdktf/provider-google/lib/bigquery-dataset';
import { Token } from 'cdktf';
import { Construct } from 'constructs';

/** IAM members that reach beyond named principals: everyone, every Google account, every account of a domain. */
const PUBLIC_MEMBER = /^(allUsers|allAuthenticatedUsers|domain:.+)$/;
/** The IAM member forms a grant may name. */
const MEMBER = /^(allUsers|allAuthenticatedUsers|(user|serviceAccount|group|domain|principal|principalSet):.+)$/;
/** Members a dataset access entry can name by email; BigQuery returns these forms, so plans stay clean. */
const DATASET_OWNER = /^(user|serviceAccount|group):[^\s@]+@[^\s@]+$/;
/** BigQuery's special group of the project's owners, as a dataset access entry names it. */
export const PROJECT_OWNERS = 'projectOwners';

/** Whether `member` is public or domain-wide (`allUsers`, `allAuthenticatedUsers`, `domain:...`). */
export function isPublicMember(member: string): boolean {
  return !Token.isUnresolved(member) && PUBLIC_MEMBER.test(member);
}

/** What lets a public member through: an opt-in prop, or nothing when `what` is never public. */
export interface PublicOptIn {
  /** The prop that allows public members; absent, they are always refused. */
  readonly name?: string;
  readonly given?: boolean;
  /** What the grant opens, e.g. `the API`. */
  readonly what: string;
}

/** The one wording of the refusal of a public member, shared by props validation and grant methods. */
function publicMemberProblem(prop: string, member: string, optIn: PublicOptIn): string {
  return optIn.name
    ? `${prop} must not hold ${member} unless ${optIn.name} is true (${optIn.what} is private by default)`
    : `${prop} must not hold ${member}: ${optIn.what} is never public, name the readers`;
}

/**
 * Every broken rule of a list of IAM members: public or domain-wide ones without the opt-in, malformed ones.
 * Tokens pass: they resolve at apply time.
 */
export function memberProblems(prop: string, members: readonly string[] | undefined, optIn: PublicOptIn): string[] {
  const problems: string[] = [];
  for (const member of members ?? []) {
    if (Token.isUnresolved(member)) continue;
    if (isPublicMember(member) && !optIn.given) problems.push(publicMemberProblem(prop, member, optIn));
    else if (!MEMBER.test(member)) {
      problems.push(`${prop} entry ${JSON.stringify(member)} must be an IAM member such as user:ana@example.com or serviceAccount:api@p.iam.gserviceaccount.com`);
    }
  }
  return problems;
}

/**
 * Throws when a grant method is asked for a public member without the opt-in, or for a malformed member, with the
 * wording props validation uses.
 */
export function checkGrantMember(scope: Construct, method: string, member: string, optIn: PublicOptIn): void {
  const problems = memberProblems(`${method} member`, [member], optIn);
  if (problems.length > 0) throw new Error(`invalid ${method} at ${scope.node.path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/** Every broken rule of dataset owners: each must be a user, group or service account by email, or `projectOwners`. */
export function datasetOwnerProblems(prop: string, owners: readonly string[] | undefined): string[] {
  if (owners === undefined) return [];
  if (owners.length === 0) return [`${prop} must name at least one owner (omit it for the project's owners): a dataset needs an OWNER`];
  return owners
    .filter((o) => !Token.isUnresolved(o) && o !== PROJECT_OWNERS && !DATASET_OWNER.test(o))
    .map((o) => `${prop} entry ${JSON.stringify(o)} must be user:<email>, group:<email>, serviceAccount:<email> or ${PROJECT_OWNERS}`);
}

/**
 * The `OWNER` access entry of a dataset for one owner. A member that is a token as a whole (a service account's
 * `member`) is given as `iamMember`, which BigQuery accepts for any member form.
 */
export function ownerAccessEntry(owner: string): BigqueryDatasetAccess {
  // The API answers the legacy role name; roles/bigquery.dataOwner would show a diff on every plan.
  const role = 'OWNER';
  if (owner === PROJECT_OWNERS) return { role, specialGroup: PROJECT_OWNERS };
  // A literal prefix before a token (`serviceAccount:${sa.email}`) still names the kind.
  const prefixed = /^(user|serviceAccount|group):/.exec(owner);
  if (!prefixed) return { role, iamMember: owner };
  const email = owner.slice(prefixed[0].length);
  return prefixed[1] === 'group' ? { role, groupByEmail: email } : { role, userByEmail: email };
}
