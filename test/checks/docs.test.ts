import * as fs from 'node:fs';
import * as path from 'node:path';
import { BestPracticeRules } from '../../src';

const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'checks.md'), 'utf8');

describe('docs/checks.md', () => {
  it.each(BestPracticeRules.all().map((rule) => [rule.id, rule]))('documents %s with its level and whether it can be suppressed', (_id, rule) => {
    const level = rule.level.toUpperCase();
    expect(docs).toContain(`### \`${rule.id}\` (${level}${rule.suppressible ? '' : ', cannot be suppressed'})`);
    expect(docs).toMatch(new RegExp(`^\\| \`${rule.id}\` \\| ${level} \\| ${rule.suppressible ? 'yes' : '\\*\\*no\\*\\*'} \\|`, 'm'));
  });

  it.each([
    ['GoogleBigQueryDatasetPublicACL', 'CKV_GCP_15'],
    ['BigQueryPrivateTable', 'CKV_GCP_100'],
    ['BigQueryTableDeletionProtection', 'CKV_GCP_121'],
    ['BigQueryDatasetEncryptedWithCMK', 'CKV_GCP_81'],
    ['BigQueryTableEncryptedWithCMK', 'CKV_GCP_80'],
    ['PubSubPrivateTopic', 'CKV_GCP_99'],
    ['CloudPubSubEncryptedWithCMK', 'CKV_GCP_83'],
    ['GCPCloudRunPrivateService', 'CKV_GCP_102'],
    ['ArtifactRegistryPrivateRepo', 'CKV_GCP_101'],
    ['ArtifactRegsitryEncryptedWithCMK', 'CKV_GCP_84'],
    ['GoogleProjectBasicRole', 'CKV_GCP_117'],
    ['GoogleProjectImpersonationRole', 'CKV_GCP_49'],
    ['GoogleProjectAdminServiceAccount', 'CKV_GCP_42'],
    ['GoogleProjectMemberDefaultServiceAccount', 'CKV_GCP_46'],
    ['GoogleRoleServiceAccountUser', 'CKV_GCP_41'],
    ['GoogleIAMWorkloadIdentityConditional', 'CKV_GCP_118'],
    ['GoogleKMSKeyIsPublic', 'CKV_GCP_112'],
  ])('maps checkov %s (%s) to a rule that exists, with its level', (name, id) => {
    const row = docs.split('\n').find((line) => line.startsWith(`| \`${name}\` | ${id} | `));
    expect(row).toBeDefined();
    const [, , ours, level] = row!.split(' | ');
    const ruleIds = [...ours.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
    expect(ruleIds.length).toBeGreaterThan(0);
    for (const ruleId of ruleIds) expect(BestPracticeRules.find(ruleId)).toBeDefined();
    expect(level).toBe(BestPracticeRules.find(ruleIds[0])!.level.toUpperCase());
  });

  it('documents no rule that does not exist', () => {
    const documented = [...docs.matchAll(/^### `([a-z0-9-]+)`/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(BestPracticeRules.all().map((r) => r.id).sort());
  });
});
