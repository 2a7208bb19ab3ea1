import { defineRule, describeMembers, iamGrants, isPublicMember, Value } from '../attributes';
import { CheckedResource, RuleLevel } from '../rule';
import { BASIC_ROLES, isDefaultServiceAccount, privilegedRoleReason, SCOPABLE_ROLES, WIDE_IAM_TYPES } from './iam-roles';

const IAM_TYPES = ['google_*_iam_member', 'google_*_iam_binding', 'google_*_iam_policy'];


/** `project`, `folder` or `organization`: what a wide IAM resource grants on. */
function scopeOf(resource: CheckedResource): string {
  return resource.type.split('_')[1];
}

/** Basic roles anywhere. */
export const iamPrimitiveRole = defineRule({
  id: 'iam-primitive-role',
  level: RuleLevel.ERROR,
  suppressible: false,
  explanation:
    'Owner, Editor and Viewer are basic roles: thousands of permissions across every service, far beyond what any part of a pipeline needs. A leaked key with Editor can read, change or delete everything in the project.',
  fix: 'Grant the predefined role for the task, on the resource it concerns (e.g. roles/bigquery.dataViewer on one dataset, roles/pubsub.publisher on one topic).',
  resourceTypes: IAM_TYPES,
  check: (resource, stack) =>
    iamGrants(resource, stack)
      .filter(({ role }) => BASIC_ROLES.has(role))
      .map(({ role, members }) => `${role} is granted to ${describeMembers(members)}`),
});

/** A role that administers a service, or impersonates service accounts, granted on a whole project. */
export const iamPrivilegedProjectRole = defineRule({
  id: 'iam-privileged-project-role',
  level: RuleLevel.ERROR,
  explanation:
    'An administrative role (roles/*.admin, *Admin, *.editor, *.owner) or a role that acts as service accounts (roles/iam.serviceAccountUser, serviceAccountTokenCreator, workloadIdentityUser, service-agent roles) granted on a whole project, folder or organization reaches every resource and every service account in it: one leaked credential of the holder is an escalation to whatever the most powerful service account may do. roles/resourcemanager.projectIamAdmin lets its holder grant itself anything.',
  fix: 'Grant the role on the one resource that needs it (the message names the IAM resource type when there is one), or a narrower predefined role. An IAM-admin grant bounded by an IAM condition on the roles it may grant (a deployer) is a decision: suppress with that reason.',
  resourceTypes: WIDE_IAM_TYPES,
  check: (resource, stack) =>
    iamGrants(resource, stack).flatMap(({ role, members, condition }) => {
      const reason = privilegedRoleReason(role, scopeOf(resource));
      if (reason === undefined) return [];
      const instead = SCOPABLE_ROLES[role] ? `; grant it with ${SCOPABLE_ROLES[role]}` : '';
      const conditioned = condition ? ' (with an IAM condition)' : '';
      return [`${role} is granted on the whole ${scopeOf(resource)} to ${describeMembers(members)}${conditioned}: ${reason}${instead}`];
    }),
});

/** The default compute or App Engine service account given roles on the whole project. */
export const iamDefaultServiceAccount = defineRule({
  id: 'iam-default-service-account',
  level: RuleLevel.ERROR,
  explanation:
    'The Compute Engine default service account (<number>-compute@developer.gserviceaccount.com) and the App Engine one (<project>@appspot.gserviceaccount.com) run every VM, GKE node, function and Cloud Run service that names no account: a project-wide role granted to them is granted to all of those workloads, present and future.',
  fix: 'Create a dedicated service account for the workload, grant the role to it on the resource it needs, and run the workload as that account.',
  resourceTypes: WIDE_IAM_TYPES,
  check: (resource, stack) =>
    iamGrants(resource, stack).flatMap(({ role, members }) =>
      members.filter((m) => isDefaultServiceAccount(m, stack)).map((m) => `${role} is granted on the whole ${scopeOf(resource)} to the default service account ${m}`),
    ),
});

/** A resource-scoped role granted on the whole project. */
export const iamProjectWideGrant = defineRule({
  id: 'iam-project-wide-grant',
  level: RuleLevel.WARNING,
  explanation:
    'A data or messaging role granted on the project reaches every dataset, topic, subscription or service in it, including those of other pipelines and the dead letters; the same role on one resource gives only what the principal needs.',
  fix: 'Grant the role on the resource instead (the message names the IAM resource type to use). Roles with no resource-level grant, such as roles/bigquery.jobUser, are not reported; privileged roles are reported by iam-privileged-project-role instead.',
  resourceTypes: WIDE_IAM_TYPES,
  check: (resource, stack) =>
    iamGrants(resource, stack)
      .filter(({ role }) => typeof role === 'string' && role in SCOPABLE_ROLES && privilegedRoleReason(role) === undefined)
      .map(({ role }) => `${role} is granted on the whole ${scopeOf(resource)}; grant it with ${SCOPABLE_ROLES[role]}`),
});

/** A workload identity provider that trusts every identity of its issuer. */
export const iamWorkloadIdentityCondition = defineRule({
  id: 'iam-workload-identity-condition',
  level: RuleLevel.ERROR,
  explanation:
    'A workload identity pool provider without attribute_condition accepts every token its issuer signs: for token.actions.githubusercontent.com that is every workflow of every GitHub repository, each of which can then impersonate the service accounts the pool may use.',
  fix: 'Set attribute_condition to pin who may authenticate, e.g. assertion.repository_id == "123456" && assertion.ref == "refs/heads/main" (pin repositories by id, not only by name).',
  resourceTypes: ['google_iam_workload_identity_pool_provider'],
  check: (provider) => {
    const condition = provider.attributes.attribute_condition;
    return typeof condition === 'string' && condition.trim() !== '' ? [] : ['attribute_condition is not set: every identity of the issuer is accepted'];
  },
});

/** Cloud Storage ACL resources: one entry (`entity` + `role`), or a list of `ROLE:entity` strings (`role_entity`). */
const STORAGE_ACL_TYPES = [
  'google_storage_bucket_access_control',
  'google_storage_default_object_access_control',
  'google_storage_object_access_control',
  'google_storage_bucket_acl',
  'google_storage_default_object_acl',
  'google_storage_object_acl',
];

/** Grants of a Cloud Storage ACL resource, in the shape of IAM grants (role, members). */
function aclGrants(resource: CheckedResource): { role: Value; members: Value[] }[] {
  const attrs = resource.attributes;
  if (!resource.type.endsWith('_acl')) return [{ role: attrs.role ?? 'access', members: [attrs.entity] }];
  const entries: Value[] = Array.isArray(attrs.role_entity) ? attrs.role_entity : [];
  return entries
    .filter((entry): entry is string => typeof entry === 'string' && entry.includes(':'))
    .map((entry) => ({ role: entry.slice(0, entry.indexOf(':')), members: [entry.slice(entry.indexOf(':') + 1)] }));
}

/** Anyone on the internet, or any Google account, granted a role on anything. */
export const iamPublicPrincipal = defineRule({
  id: 'iam-public-principal',
  level: RuleLevel.ERROR,
  explanation:
    'allUsers is anyone on the internet and allAuthenticatedUsers anyone with a Google account: a role granted to them on a dataset, table, topic, subscription, repository, bucket, key or secret makes it readable (or writable, or usable) by the whole world.',
  fix: 'Grant the role to the service accounts, groups or users that need it. If the resource is public on purpose, suppress on that grant with who decided and why the data may be public.',
  resourceTypes: [...IAM_TYPES, ...STORAGE_ACL_TYPES],
  check: (resource, stack) => {
    if (STORAGE_ACL_TYPES.includes(resource.type)) {
      return aclGrants(resource).flatMap(({ role, members }) => members.filter(isPublicMember).map((m) => `${m} is granted ${role} by the ACL`));
    }
    // Cloud Run service invokers are reported by run-public-invoker, which carries the public-API opt-in; jobs are not.
    if (/^google_cloud_run_(v2_)?service_iam_/.test(resource.type)) return [];
    const wide = WIDE_IAM_TYPES.includes(resource.type);
    return iamGrants(resource, stack).flatMap(({ role, members }) => {
      if (wide && role === 'roles/run.invoker') return [];
      return members.filter(isPublicMember).map((m) => `${m} is granted ${role}`);
    });
  },
});

/** Every IAM rule. */
export const iamRules = [iamPrimitiveRole, iamPublicPrincipal, iamPrivilegedProjectRole, iamDefaultServiceAccount, iamProjectWideGrant, iamWorkloadIdentityCondition];
