import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { PLACEHOLDER_IMAGE, buildFlightsStack } from '../../examples/flights/flights-stack';

const ROOT = path.join(__dirname, '..', '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const workflow = (file: string): Json => parse(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8'));
const stepsOf = (wf: Json): Json[] => Object.values(wf.jobs).flatMap((job: Json) => job.steps ?? []);
const deployDoc = (): string => fs.readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');

/** The cells of a markdown table's rows whose first cell starts with a backquote, after the header naming `firstColumn`. */
function tableRows(doc: string, header: string): string[][] {
  const lines = doc.slice(doc.indexOf(header)).split('\n');
  const rows: string[][] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}
const unquote = (cell: string): string => cell.replace(/`/g, '');

/**
 * The one-time identity setup of docs/deploy.md as commands (argument lists, quotes removed, `for` loops expanded,
 * continuation lines joined) and the files its heredocs write: what a project owner runs, read as a shell reads it.
 */
function identitySetup(): { commands: string[][]; files: Record<string, string>; echoed: Record<string, string> } {
  const doc = deployDoc();
  const section = doc.slice(doc.indexOf('## Deploying from CI'));
  const block = section.slice(section.indexOf('```sh\n') + 6, section.indexOf('\n```', section.indexOf('```sh\n')));
  const lines = block.replace(/\\\n\s*/g, ' ').split('\n');
  const commands: string[][] = [];
  const files: Record<string, string> = {};
  const echoed: Record<string, string> = {};
  const words = (line: string): string[] => [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const heredoc = /^cat > (\S+) <<'(\w+)'$/.exec(line);
    const loop = /^for (\w+) in (.+); do$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i);
      files[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (loop) {
      const end = lines.findIndex((l, j) => j > i && l.trim() === 'done');
      for (const value of loop[2].trim().split(/\s+/)) {
        for (const body of lines.slice(i + 1, end)) commands.push(words(body.trim().replaceAll(`$${loop[1]}`, value)));
      }
      i = end;
    } else if (line.startsWith('echo ')) {
      for (const [, name, value] of line.matchAll(/(\w+)=(\S+?)"?(?=\s|$)/g)) echoed[name] = value;
    } else if (line.startsWith('gcloud ')) commands.push(words(line));
  }
  return { commands, files, echoed };
}
const flag = (command: string[], name: string): string | undefined => {
  const at = command.indexOf(`--${name}`);
  return at < 0 ? undefined : command[at + 1];
};
const isCommand = (command: string[], ...prefix: string[]) => prefix.every((word, i) => command[i] === word);

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
    expect([...pins.keys()].sort()).toEqual([
      'actions/checkout', 'actions/download-artifact', 'actions/setup-node', 'actions/upload-artifact', 'google-github-actions/auth', 'hashicorp/setup-terraform',
    ]);
  });

  it('hold no service account key: no credentials_json, authentication only through Workload Identity Federation', () => {
    for (const file of files) {
      const text = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
      expect(text).not.toMatch(/credentials_json|GOOGLE_CREDENTIALS|service_account_key|private_key/i);
      for (const step of stepsOf(workflow(file)).filter((s) => String(s.uses).startsWith('google-github-actions/auth@'))) {
        expect(Object.keys(step.with).sort()).toEqual(expect.arrayContaining(['service_account', 'workload_identity_provider']));
        expect(step.with.workload_identity_provider).toMatch(/^\$\{\{ vars\.WIF_(PLAN|PUBLISH|DEPLOY)_PROVIDER \}\}$/);
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

  it('deploy: build on pull requests and main (pushed on main only), plan on both, apply on main behind production, then check', () => {
    const deploy = workflow('deploy.yml');
    expect(Object.keys(deploy.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect(deploy.on.push.branches).toEqual(['main']);
    const { image, plan, apply } = deploy.jobs;
    expect(image.steps.map((s: Json) => s.run).join('\n')).toMatch(/docker build[\s\S]*docker push/);
    // Nothing a pull request builds reaches a registry: it never asks for the publisher's token, logs in or pushes.
    const mainOnly = image.steps.filter((s: Json) => /docker login/.test(s.run ?? '') || String(s.uses).startsWith('google-github-actions/auth@'));
    expect(mainOnly).toHaveLength(2);
    for (const step of mainOnly) expect(step.if).toBe("github.event_name != 'pull_request'");
    const build = image.steps.find((s: Json) => s.id === 'build');
    expect(build.env.PUSH).toBe("${{ github.event_name != 'pull_request' }}");
    expect(build.run).toMatch(/if \[ "\$\{PUSH\}" != "true" \]; then\n[^]*?\n\s*exit 0\n\s*fi\n[^]*docker push/);
    expect(plan.if).toBeUndefined();
    expect(plan.needs).toBe('image');
    expect(plan.env.SERVICE_IMAGE).toBe('${{ needs.image.outputs.image }}');
    expect(apply.if).toBe("github.event_name != 'pull_request' && github.ref == 'refs/heads/main'");
    expect(apply.needs).toBe('plan');
    expect(apply.environment.name).toBe('production');
    const applyRuns = apply.steps.map((s: Json) => s.run ?? '').join('\n');
    expect(applyRuns).toMatch(/terraform apply[\s\S]*scripts\/post-deploy-check\.ts --api-url/);
    expect(deploy.concurrency['cancel-in-progress']).toBe(false);
  });

  it('apply exactly the plan the environment approval covers: saved, uploaded, checked by sha256, applied as is', () => {
    const { plan, apply } = workflow('deploy.yml').jobs;
    const planStep = plan.steps.find((s: Json) => /terraform plan /.test(s.run ?? ''));
    expect(planStep.run).toMatch(/terraform plan [^\n]*-out=tfplan/);
    expect(planStep.run).toMatch(/sha256sum tfplan[\s\S]*plan_sha256=[\s\S]*GITHUB_STEP_SUMMARY/);
    expect(plan.outputs.plan_sha256).toBe(`\${{ steps.${planStep.id}.outputs.plan_sha256 }}`);
    const upload = plan.steps.find((s: Json) => String(s.uses).startsWith('actions/upload-artifact@'));
    expect(plan.steps.indexOf(upload)).toBeGreaterThan(plan.steps.indexOf(planStep));
    expect(upload.if).toBe("github.event_name != 'pull_request'");
    // The plan, the configuration it came from, and the provider lock file (hidden: included on purpose).
    expect(upload.with.path.trim().split('\n').map((p: string) => p.replace('${{ env.STACK_DIR }}/', '')).sort()).toEqual(['.terraform.lock.hcl', 'cdk.tf.json', 'tfplan']);
    expect(upload.with['include-hidden-files']).toBe(true);
    expect(upload.with['if-no-files-found']).toBe('error');

    const at = (predicate: (s: Json) => boolean) => apply.steps.findIndex(predicate);
    const download = at((s) => String(s.uses).startsWith('actions/download-artifact@'));
    const check = at((s) => /sha256sum --check/.test(s.run ?? ''));
    const auth = at((s) => String(s.uses).startsWith('google-github-actions/auth@'));
    const applyStep = at((s) => /terraform apply/.test(s.run ?? ''));
    expect(apply.steps[download].with.name).toBe(upload.with.name);
    expect(apply.steps[check].env.PLAN_SHA256).toBe('${{ needs.plan.outputs.plan_sha256 }}');
    // The deployer's token exists only once the approved file is in place and verified, and only the saved plan is applied.
    expect([download, check, auth, applyStep]).toEqual([...[download, check, auth, applyStep]].sort((a, b) => a - b));
    expect(download).toBeGreaterThanOrEqual(0);
    expect(apply.steps[applyStep].run).toMatch(/terraform init [^\n]*-lockfile=readonly[\s\S]*terraform apply -input=false tfplan\s*$/);
    const before = apply.steps.slice(0, applyStep + 1).map((s: Json) => s.run ?? '').join('\n');
    expect(before).not.toMatch(/terraform plan|npm run synth|cdktf/);
    // Terraform refuses a stale saved plan; the docs say what that means for a deploy.
    expect(deployDoc()).toMatch(/refuses to apply it once the state has moved \("Saved plan is stale"\)/);
  });

  it('pin the repository by id in every Workload Identity provider, main for the publisher, main and production for the deployer', () => {
    const { commands } = identitySetup();
    const providers = commands.filter((c) => isCommand(c, 'gcloud', 'iam', 'workload-identity-pools', 'providers', 'create-oidc'));
    const clauses = Object.fromEntries(providers.map((c) => [flag(c, 'workload-identity-pool'), new Set(flag(c, 'attribute-condition')!.split('&&').map((x) => x.trim()))]));
    const repository = ["assertion.repository_id == '$REPO_ID'", "assertion.repository_owner_id == '$OWNER_ID'"];
    const main = "assertion.ref == 'refs/heads/main'";
    expect(clauses).toEqual({
      'github-plan': new Set(repository),
      'github-publish': new Set([...repository, main]),
      'github-deploy': new Set([...repository, main, "assertion.environment == 'production'"]),
    });
    for (const provider of providers) {
      expect(flag(provider, 'issuer-uri')).toBe('https://token.actions.githubusercontent.com');
      expect(flag(provider, 'attribute-mapping')!.split(',')).toEqual(expect.arrayContaining(['google.subject=assertion.sub', 'attribute.repository_id=assertion.repository_id']));
    }
    // Nothing trusts a repository by its name, which can be freed and taken.
    expect(commands.flat().join(' ')).not.toMatch(/attribute\.repository\/|assertion\.repository ==/);
  });

  it('let each account be reached only through its own pool, and each job use the account its provider gates', () => {
    const { commands, echoed } = identitySetup();
    const federated = commands.filter((c) => isCommand(c, 'gcloud', 'iam', 'service-accounts', 'add-iam-policy-binding') && flag(c, 'member')!.startsWith('principalSet://'));
    const poolsOf: Record<string, string[]> = {};
    for (const binding of federated) {
      const member = /^principalSet:\/\/iam\.googleapis\.com\/\$POOLS\/([\w-]+)\/attribute\.repository_id\/\$REPO_ID$/.exec(flag(binding, 'member')!);
      expect({ member: flag(binding, 'member'), pinned: member !== null }).toEqual({ member: flag(binding, 'member'), pinned: true });
      poolsOf[binding[4]] = [...new Set([...(poolsOf[binding[4]] ?? []), member![1]])];
    }
    expect(poolsOf).toEqual({ $PLANNER: ['github-plan'], $PUBLISHER: ['github-publish'], $DEPLOYER: ['github-deploy'] });
    expect(federated.filter((c) => c[4] === '$DEPLOYER').map((c) => flag(c, 'role')).sort()).toEqual(['roles/iam.serviceAccountOpenIdTokenCreator', 'roles/iam.workloadIdentityUser']);

    // The repository variables printed by the setup, read back the way the workflows use them.
    const poolOfProvider = (variable: string) => /\$POOLS\/([\w-]+)\/providers\//.exec(echoed[variable])![1];
    const accountOf = (variable: string) => echoed[variable];
    const deploy = workflow('deploy.yml');
    const used: Record<string, string[]> = {};
    for (const [name, job] of Object.entries<Json>(deploy.jobs)) {
      for (const step of (job.steps as Json[]).filter((s) => String(s.uses).startsWith('google-github-actions/auth@'))) {
        const provider = /vars\.(\w+)/.exec(step.with.workload_identity_provider)![1];
        const account = accountOf(/vars\.(\w+)/.exec(step.with.service_account)![1]);
        expect({ job: name, account, pool: poolOfProvider(provider) }).toEqual({ job: name, account, pool: poolsOf[account][0] });
        used[account] = [...new Set([...(used[account] ?? []), name])];
      }
    }
    expect(used).toEqual({ $PUBLISHER: ['image'], $PLANNER: ['plan'], $DEPLOYER: ['apply'] });
  });

  it('give the planner read-only roles, the publisher one repository, and bound the deployer\'s IAM admin to the roles the stack grants', () => {
    const { commands, files } = identitySetup();
    const grantsTo = (account: string) => commands.filter((c) => c.includes(`serviceAccount:${account}`));
    const projectGrants = (account: string) => grantsTo(account).filter((c) => isCommand(c, 'gcloud', 'projects', 'add-iam-policy-binding'));

    // Planner: viewers and readers, on the project and the state bucket; no push, no state write, anywhere.
    expect(grantsTo('$PLANNER').length).toBeGreaterThan(0);
    for (const grant of grantsTo('$PLANNER')) expect(flag(grant, 'role')).toMatch(/^roles\/[\w.]+\.(\w*[vV]iewer|reader|securityReviewer)$/);
    // Publisher: writer on the release image repository, nothing else.
    expect(grantsTo('$PUBLISHER').map((c) => [c.slice(0, 4).join(' '), c[4], flag(c, 'role')])).toEqual([
      ['gcloud artifacts repositories add-iam-policy-binding', 'flights-release', 'roles/artifactregistry.writer'],
    ]);
    expect(deployDoc()).toContain('`IMAGE_REPOSITORY=flights-release`');

    // Deployer: every role explained in the table, and nothing granted that the table does not explain.
    const granted = grantsTo('$DEPLOYER').map((c) => flag(c, 'role')!).sort();
    const explained = tableRows(deployDoc(), '| Role | Why the deploy needs it |').map(([role]) => unquote(role)).sort();
    expect(granted).toEqual(explained);
    for (const forbidden of ['roles/owner', 'roles/editor', 'roles/iam.serviceAccountTokenCreator', 'roles/iam.securityAdmin']) expect(granted).not.toContain(forbidden);
    // Unconditioned, except the IAM admin role, whose condition limits the roles it may grant or revoke.
    for (const grant of projectGrants('$DEPLOYER')) {
      if (flag(grant, 'role') === 'roles/resourcemanager.projectIamAdmin') continue;
      expect({ role: flag(grant, 'role'), condition: flag(grant, 'condition') }).toEqual({ role: flag(grant, 'role'), condition: 'None' });
    }
    const iamAdmin = projectGrants('$DEPLOYER').filter((c) => flag(c, 'role') === 'roles/resourcemanager.projectIamAdmin');
    expect(iamAdmin).toHaveLength(1);
    const condition = parse(files[flag(iamAdmin[0], 'condition-from-file')!]);
    expect(Object.keys(condition).sort()).toEqual(['description', 'expression', 'title']);
    const allowed = /^api\.getAttribute\('iam\.googleapis\.com\/modifiedGrantsByRole', \[\]\)\.hasOnly\(\[([^\]]*)\]\)$/.exec(condition.expression);
    expect(allowed).not.toBeNull();
    const allowedRoles = [...allowed![1].matchAll(/'([^']+)'/g)].map((m) => m[1]).sort();

    // ...and those are exactly the project-level roles the deployed example grants.
    const tf = JSON.parse(Testing.synth(buildFlightsStack(Testing.app(), { project: 'p', region: 'europe-west1', image: PLACEHOLDER_IMAGE })));
    const projectLevel = ['google_project_iam_member', 'google_project_iam_binding'].flatMap((type) => Object.values<Json>(tf.resource?.[type] ?? {}).map((r) => r.role as string));
    expect(tf.resource?.google_project_iam_policy).toBeUndefined();
    expect(allowedRoles).toEqual([...new Set(projectLevel)].sort());
    expect(allowedRoles).not.toContain('roles/resourcemanager.projectIamAdmin');
  });

  it('run each protected job in the environment the docs describe: production from main, npm from v* tags, both with reviewers', () => {
    const environments = tableRows(deployDoc(), '| Environment | Job |').map(([environment, job, reviewers, refs]) => ({
      environment: unquote(environment), job: unquote(job), reviewers, refs: unquote(refs),
    }));
    expect(environments).toEqual([
      { environment: 'production', job: 'deploy.yml apply', reviewers: 'yes', refs: 'branch main' },
      { environment: 'npm', job: 'release.yml publish', reviewers: 'yes', refs: 'tag v*' },
    ]);
    const inEnvironments = files.flatMap((file) => Object.entries<Json>(workflow(file).jobs)
      .filter(([, job]) => job.environment)
      .map(([name, job]) => ({ environment: typeof job.environment === 'string' ? job.environment : job.environment.name, job: `${file} ${name}` })));
    expect(inEnvironments.sort((a, b) => a.job.localeCompare(b.job))).toEqual(environments.map(({ environment, job }) => ({ environment, job })).sort((a, b) => a.job.localeCompare(b.job)));
    // The workflows ask for no more than each environment's rule lets through.
    expect(workflow('release.yml').on).toEqual({ push: { tags: ['v*'] } });
    expect(workflow('release.yml').jobs.publish.environment).toBe('npm');
    expect(workflow('deploy.yml').jobs.apply.if).toContain("github.ref == 'refs/heads/main'");
    expect(deployDoc()).toMatch(/"Prevent self-review" on/);
  });

  it('keep the pins moving: Dependabot watches the service image digest and the actions', () => {
    const config = parse(fs.readFileSync(path.join(ROOT, '.github', 'dependabot.yml'), 'utf8'));
    expect(config.version).toBe(2);
    const watched = (config.updates as Json[]).map((u) => `${u['package-ecosystem']} ${u.directory}`).sort();
    expect(watched).toEqual(['docker /src/service', 'github-actions /']);
    // The directory holds the Dockerfile whose FROM is pinned by digest.
    expect(fs.readFileSync(path.join(ROOT, 'src', 'service', 'Dockerfile'), 'utf8')).toMatch(/^FROM \S+@sha256:[0-9a-f]{64}$/m);
  });

  it('never interpolate step outputs straight into a shell script', () => {
    for (const file of files) {
      for (const step of stepsOf(workflow(file)).filter((s) => s.run)) expect(step.run).not.toMatch(/\$\{\{\s*(steps|needs|github\.event)\./);
    }
  });
});
