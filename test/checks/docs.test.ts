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

  it('documents no rule that does not exist', () => {
    const documented = [...docs.matchAll(/^### `([a-z0-9-]+)`/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(BestPracticeRules.all().map((r) => r.id).sort());
  });
});
