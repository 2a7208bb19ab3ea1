import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..', '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const workflow = (file: string): Json => parse(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8'));
const stepsOf = (wf: Json): Json[] => Object.values(wf.jobs).flatMap((job: Json) => job.steps ?? []);

/** The rows of the Workflows table in docs/deploy.md, the workflow name carried down to rows that leave it blank. */
function documentedJobs(): { workflow: string; triggers: string; job: string; permissions: Record<string, string>; environment?: string }[] {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### Workflows'));
  const rows = section.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  let last = '';
  return rows.map(([wf, triggers, job, , permissions, environment]) => {
    last = wf || last;
    return {
      workflow: last.replace(/`/g, ''),
      triggers,
      job: job.replace(/`/g, ''),
      permissions: Object.fromEntries([...permissions.matchAll(/`([\w-]+): (\w+)`/g)].map((m) => [m[1], m[2]])),
      environment: environment ? environment.replace(/`/g, '') : undefined,
    };
  });
}

describe('GitHub Actions workflows', () => {
  it('are ci.yml, release.yml and deploy.yml, and every one parses', () => {
    expect(files).toEqual(['ci.yml', 'deploy.yml', 'release.yml']);
    for (const file of files) expect(workflow(file).jobs).toBeDefined();
  });

  it('pin every action to a full commit SHA with its version in a comment', () => {
    for (const file of files) {
      const text = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
      const uses = text.split('\n').filter((l) => /^\s*(-\s+)?uses:/.test(l));
      expect(uses.length).toBeGreaterThan(0);
      for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/);
      // The parsed steps agree with the raw lines: no `uses:` hides in a form the line check misses.
      for (const step of stepsOf(workflow(file)).filter((s) => s.uses)) expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
    }
  });

  it('pin each action to one SHA across the workflows', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of files) {
      for (const step of stepsOf(workflow(file)).filter((s) => s.uses)) {
        const [action, sha] = step.uses.split('@');
        pins.set(action, new Set([...(pins.get(action) ?? []), sha]));
      }
    }
    for (const [action, shas] of pins) expect({ action, shas: [...shas] }).toEqual({ action, shas: [expect.any(String)] });
    expect([...pins.keys()].sort()).toEqual(['actions/checkout', 'actions/setup-node', 'google-github-actions/auth', 'hashicorp/setup-terraform']);
  });

  it('hold no service account key: no credentials_json, authentication only through Workload Identity Federation', () => {
    for (const file of files) {
      const text = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
      expect(text).not.toMatch(/credentials_json|GOOGLE_CREDENTIALS|service_account_key|private_key/i);
      for (const step of stepsOf(workflow(file)).filter((s) => String(s.uses).startsWith('google-github-actions/auth@'))) {
        expect(Object.keys(step.with).sort()).toEqual(expect.arrayContaining(['service_account', 'workload_identity_provider']));
        expect(step.with.workload_identity_provider).toBe('${{ vars.WIF_PROVIDER }}');
      }
    }
  });

  it('give nothing at the top level beyond read, and id-token: write only to jobs that authenticate', () => {
    for (const file of files) {
      const wf = workflow(file);
      expect(wf.permissions).toBeDefined();
      expect(Object.values(wf.permissions).every((p) => p === 'read')).toBe(true);
      for (const [name, job] of Object.entries<Json>(wf.jobs)) {
        const permissions = { ...wf.permissions, ...(job.permissions ?? {}) };
        expect(JSON.stringify(permissions)).not.toMatch(/write-all|contents":"write/);
        const authenticates = (job.steps ?? []).some((s: Json) => String(s.uses).startsWith('google-github-actions/auth@') || /--provenance/.test(s.run ?? ''));
        expect({ job: name, idToken: permissions['id-token'] === 'write' }).toEqual({ job: name, idToken: authenticates });
      }
    }
  });

  it('do what docs/deploy.md says: jobs, permissions and environments', () => {
    const documented = documentedJobs();
    expect(documented.map((d) => `${d.workflow}:${d.job}`).sort())
      .toEqual(files.flatMap((file) => Object.keys(workflow(file).jobs).map((job) => `${file}:${job}`)).sort());
    for (const d of documented) {
      const wf = workflow(d.workflow);
      const job = wf.jobs[d.job];
      expect({ job: d.job, permissions: { ...wf.permissions, ...(job.permissions ?? {}) } }).toEqual({ job: d.job, permissions: d.permissions });
      const environment = typeof job.environment === 'string' ? job.environment : job.environment?.name;
      expect({ job: d.job, environment }).toEqual({ job: d.job, environment: d.environment });
    }
    // The triggers column names exactly the events of each workflow.
    for (const d of documented.filter((row) => row.triggers)) {
      const events = [...d.triggers.matchAll(/`(\w+)`/g)].map((m) => m[1]).filter((e) => /^(pull_request|push|workflow_dispatch|schedule|release)$/.test(e));
      expect({ workflow: d.workflow, events: events.sort() }).toEqual({ workflow: d.workflow, events: Object.keys(workflow(d.workflow).on).sort() });
    }
  });

  it('run ci.yml on pull requests and main with every check of the issue', () => {
    const ci = workflow('ci.yml');
    expect(ci.on).toEqual({ pull_request: null, push: { branches: ['main'] } });
    const runs = stepsOf(ci).map((s) => s.run).filter(Boolean).join('\n');
    for (const command of ['npm ci', 'npm run typecheck', 'npm run lint', 'npx jest', 'node scripts/check-api-md.mjs', 'npm run synth', 'npm pack']) {
      expect(runs).toContain(command);
    }
  });

  it('publish on a v* tag with provenance, through trusted publishing: no npm token, an npm that can exchange OIDC', () => {
    const release = workflow('release.yml');
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    const steps = stepsOf(release);
    const publishAt = steps.findIndex((s) => /npm publish/.test(s.run ?? ''));
    expect(steps[publishAt].run).toContain('--provenance');
    expect(fs.readFileSync(path.join(WORKFLOWS, 'release.yml'), 'utf8')).not.toMatch(/secrets\.|NODE_AUTH_TOKEN|NPM_TOKEN/);
    // Trusted publishing needs npm >= 11.5.1 (Node 20 ships npm 10): an exact version installed before the publish.
    const upgradeAt = steps.findIndex((s) => /npm install --global npm@/.test(s.run ?? ''));
    expect(upgradeAt).toBeGreaterThanOrEqual(0);
    expect(upgradeAt).toBeLessThan(publishAt);
    const [major, minor, patch] = /npm@(\d+)\.(\d+)\.(\d+)$/.exec(steps[upgradeAt].run.trim())!.slice(1).map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(11 * 1e6 + 5 * 1e3 + 1);
  });

  it('deploy: build and push on pull requests and main, plan on pull requests, apply on main behind production, then check', () => {
    const deploy = workflow('deploy.yml');
    expect(Object.keys(deploy.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(deploy.on.push.branches).toEqual(['main']);
    const { image, plan, apply } = deploy.jobs;
    expect(image.steps.map((s: Json) => s.run).join('\n')).toMatch(/docker build[\s\S]*docker push/);
    expect(plan.if).toBe("github.event_name == 'pull_request'");
    expect(plan.needs).toBe('image');
    expect(plan.steps.map((s: Json) => s.run).join('\n')).toMatch(/terraform plan[\s\S]*GITHUB_STEP_SUMMARY/);
    expect(plan.env.SERVICE_IMAGE).toBe('${{ needs.image.outputs.image }}');
    expect(apply.if).toBe("github.event_name != 'pull_request' && github.ref == 'refs/heads/main'");
    expect(apply.environment.name).toBe('production');
    const applyRuns = apply.steps.map((s: Json) => s.run ?? '').join('\n');
    expect(applyRuns).toMatch(/terraform apply[\s\S]*scripts\/post-deploy-check\.ts --api-url/);
    expect(deploy.concurrency['cancel-in-progress']).toBe(false);
  });

  it('let only the protected production job act as the deployer; branches and pull requests plan as the planner', () => {
    const deploy = workflow('deploy.yml');
    const accountsOf = (job: Json) => (job.steps as Json[]).filter((s) => s.with?.service_account).map((s) => s.with.service_account);
    expect(accountsOf(deploy.jobs.image)).toEqual(['${{ vars.PLAN_SERVICE_ACCOUNT }}']);
    expect(accountsOf(deploy.jobs.plan)).toEqual(['${{ vars.PLAN_SERVICE_ACCOUNT }}']);
    expect(new Set(accountsOf(deploy.jobs.apply))).toEqual(new Set(['${{ vars.DEPLOY_SERVICE_ACCOUNT }}']));
    expect(deploy.jobs.apply.environment.name).toBe('production');
    // The deployer's Workload Identity binding is what enforces it: only tokens of production jobs qualify.
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'deploy.md'), 'utf8');
    const lines = docs.split('\n');
    const deployerBindings = lines.flatMap((l, i) => (l.includes('add-iam-policy-binding "$DEPLOYER"') && lines[i + 1]?.includes('principalSet') ? [lines[i + 1]] : []));
    expect(deployerBindings).toHaveLength(2); // workloadIdentityUser and serviceAccountOpenIdTokenCreator
    for (const binding of deployerBindings) expect(binding).toMatch(/attribute\.environment\/production"$/);
    expect(docs).toContain('attribute.environment=assertion.environment');
  });

  it('never interpolate step outputs straight into a shell script', () => {
    for (const file of files) {
      for (const step of stepsOf(workflow(file)).filter((s) => s.run)) expect(step.run).not.toMatch(/\$\{\{\s*(steps|needs|github\.event)\./);
    }
  });
});
