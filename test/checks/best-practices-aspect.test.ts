import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { AnnotationMetadataEntryType, App, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { BestPracticeRules, BestPracticesAspect, CheckedResource, IRule, RuleLevel } from '../../src';
import { check, newStack } from './helpers';

/** A rule that flags every topic, for tests that are about the aspect rather than a rule. */
const everyTopic = (overrides: Partial<IRule> = {}): IRule => ({
  id: 'test-every-topic',
  level: RuleLevel.WARNING,
  explanation: 'test rule',
  fix: 'nothing to fix',
  resourceTypes: ['google_pubsub_*'],
  suppressible: true,
  check: (resource: CheckedResource) => [`saw ${resource.attributes.name}`],
  ...overrides,
});

const topic = (scope: Construct, id: string) =>
  new PubsubTopic(scope, id, { name: id.toLowerCase(), labels: { pipeline: 'p' }, messageStoragePolicy: { allowedPersistenceRegions: ['europe-west1'] } });

const tmpdirs: string[] = [];
afterAll(() => tmpdirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tmpdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checks-'));
  tmpdirs.push(dir);
  return dir;
}

/** An App writing into a fresh temporary directory, with one stack. */
function appWithStack(): { app: App; stack: TerraformStack; outdir: string } {
  const outdir = path.join(tmpdir(), 'cdktf.out');
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'flights');
  new GoogleProvider(stack, 'google', { project: 'acme', region: 'europe-west1' });
  return { app, stack, outdir };
}

describe('BestPracticesAspect', () => {
  it('checks every resource in the stack, whoever created it, once per synth of the same tree', () => {
    const stack = newStack();
    const nested = new Construct(stack, 'ThirdParty');
    topic(stack, 'Mine');
    topic(nested, 'Theirs');
    const aspect = BestPracticesAspect.applyTo(stack, { rules: [everyTopic()] });
    Testing.synth(stack);
    Testing.synth(stack);
    expect(aspect.findings.map((f) => [f.resourceAddress, f.constructPath, f.message])).toEqual([
      [expect.stringMatching(/^google_pubsub_topic\.ThirdParty_Theirs_[0-9A-F]{8}$/), 'stack/ThirdParty/Theirs', 'saw theirs'],
      ['google_pubsub_topic.Mine', 'stack/Mine', 'saw mine'],
    ]);
    const warnings = stack.node.findChild('Mine').node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN);
    expect(warnings.map((m) => m.data)).toEqual(['[test-every-topic] google_pubsub_topic.Mine: saw mine. Fix: nothing to fix']);
  });

  it('annotates each finding at its level', () => {
    const stack = newStack();
    const t = topic(stack, 'Topic');
    BestPracticesAspect.applyTo(stack, {
      rules: [everyTopic({ id: 'e', level: RuleLevel.ERROR }), everyTopic({ id: 'w', level: RuleLevel.WARNING }), everyTopic({ id: 'i', level: RuleLevel.INFO })],
    });
    Testing.synth(stack);
    const annotations = t.node.metadata.filter((m) => m.type.startsWith('@cdktf/'));
    expect(annotations.map((m) => [m.type, String(m.data).slice(0, 3)])).toEqual([
      [AnnotationMetadataEntryType.ERROR, '[e]'],
      [AnnotationMetadataEntryType.WARN, '[w]'],
      [AnnotationMetadataEntryType.INFO, '[i]'],
    ]);
  });

  it('checks only the subtree of the construct it is added to, with the whole stack in view', () => {
    const stack = newStack();
    const pipeline = new Construct(stack, 'Pipeline');
    topic(pipeline, 'Inside');
    topic(stack, 'Outside');
    const seen: number[] = [];
    const aspect = BestPracticesAspect.applyTo(pipeline, {
      rules: [everyTopic({ check: (r, view) => (seen.push(view.ofType('google_pubsub_topic').length), [`saw ${r.attributes.name}`]) })],
    });
    Testing.synth(stack);
    expect(aspect.findings.map((f) => f.message)).toEqual(['saw inside']);
    expect(seen).toEqual([2]);
  });

  it('covers every stack, each with its report, when added to the app', () => {
    const outdir = path.join(tmpdir(), 'cdktf.out');
    const app = new App({ outdir });
    for (const id of ['a', 'b']) {
      const stack = new TerraformStack(app, id);
      new GoogleProvider(stack, 'google', { project: 'acme' });
      topic(stack, 'Topic');
    }
    const aspect = BestPracticesAspect.applyTo(app, { rules: [everyTopic()] });
    app.synth();
    expect(aspect.findings.map((f) => f.constructPath)).toEqual(['a/Topic', 'b/Topic']);
    for (const id of ['a', 'b']) {
      const report = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', id, 'checks-report.json'), 'utf8'));
      expect(report.findings.map((f: { path: string }) => f.path)).toEqual([`${id}/Topic`]);
    }
  });

  it('reports a rule that throws as an ERROR finding naming the rule, and keeps running the others', () => {
    const findings = check((stack) => topic(stack, 'Topic'), {
      rules: [
        everyTopic({ id: 'broken-rule', check: () => { throw new Error('cannot read property x'); } }),
        everyTopic({ id: 'not-a-list', check: () => undefined as unknown as string[] }),
        everyTopic(),
      ],
    });
    expect(findings.map((f) => [f.ruleId, f.level, f.message])).toEqual([
      ['broken-rule', RuleLevel.ERROR, 'rule broken-rule threw instead of checking the resource: cannot read property x'],
      ['not-a-list', RuleLevel.ERROR, 'rule not-a-list threw instead of checking the resource: check returned undefined, not a list of messages'],
      ['test-every-topic', RuleLevel.WARNING, 'saw topic'],
    ]);
  });

  it('hands rules a frozen view, so a rule that modifies a resource is reported as failing', () => {
    const findings = check((stack) => topic(stack, 'Topic'), {
      rules: [everyTopic({ id: 'impure', check: (r) => { r.attributes.labels.pipeline = 'changed'; return []; } })],
    });
    expect(findings.map((f) => [f.ruleId, f.level, f.message])).toEqual([
      ['impure', RuleLevel.ERROR, expect.stringMatching(/^rule impure threw instead of checking the resource: Cannot assign to read only property 'pipeline'/)],
    ]);
  });

  it('fails when applied to an app without stacks', () => {
    expect(() => BestPracticesAspect.applyTo(Testing.app())).toThrow(/no stack to check; create the stacks first/);
  });

  it('fails when two rules share an id', () => {
    expect(() => new BestPracticesAspect({ rules: [everyTopic(), everyTopic()] })).toThrow(/duplicate rule ids test-every-topic/);
  });

  it('runs every built-in rule by default', () => {
    expect(new BestPracticesAspect().rules.map((r) => r.id)).toEqual(BestPracticeRules.all().map((r) => r.id));
    expect(new Set(BestPracticeRules.all().map((r) => r.id)).size).toBe(BestPracticeRules.all().length);
  });
});

describe('suppressions', () => {
  it('silence one rule on one resource, keep the finding in the report with its reason, and leave other resources alone', () => {
    const findings = check((stack) => {
      BestPracticesAspect.suppress(topic(stack, 'Quiet'), 'test-every-topic', '  fixture: this topic is expected to be flagged  ');
      topic(stack, 'Loud');
    }, { rules: [everyTopic()] });
    expect(findings.map((f) => [f.resourceAddress, f.suppressed, f.suppressionReason])).toEqual([
      ['google_pubsub_topic.Quiet', true, 'fixture: this topic is expected to be flagged'],
      ['google_pubsub_topic.Loud', false, undefined],
    ]);
  });

  it('do not annotate the suppressed finding', () => {
    const stack = newStack();
    const quiet = topic(stack, 'Quiet');
    BestPracticesAspect.suppress(quiet, 'test-every-topic', 'fixture: expected to be flagged');
    BestPracticesAspect.applyTo(stack, { rules: [everyTopic()] });
    Testing.synth(stack);
    expect(quiet.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN)).toEqual([]);
    expect(BestPracticesAspect.suppressionsOf(quiet)).toEqual([{ ruleId: 'test-every-topic', reason: 'fixture: expected to be flagged' }]);
  });

  it('fails when the reason is shorter than ten characters', () => {
    const stack = newStack();
    expect(() => BestPracticesAspect.suppress(topic(stack, 'T'), 'pubsub-topic-schema', 'because  ')).toThrow(
      /invalid suppression of pubsub-topic-schema on stack\/T:\n {2}- reason must say why in at least 10 characters, got "because {2}" \(7\)/,
    );
    expect(() => BestPracticesAspect.suppress(topic(stack, 'U'), 'pubsub-topic-schema', '0123456789')).not.toThrow();
  });

  it('fails when the construct is not a Terraform resource', () => {
    const stack = newStack();
    expect(() => BestPracticesAspect.suppress(new Construct(stack, 'Pipeline'), 'run-max-instances', 'load-tested at 200 instances')).toThrow(
      /suppressions are per resource: stack\/Pipeline is not a Terraform resource/,
    );
  });

  it('fails when a built-in rule cannot be suppressed', () => {
    const stack = newStack();
    const grant = new ProjectIamMember(stack, 'Editor', { project: 'acme', role: 'roles/editor', member: 'user:a@acme.com' });
    expect(() => BestPracticesAspect.suppress(grant, 'iam-primitive-role', 'the vendor tool insists on editor')).toThrow(/rule iam-primitive-role cannot be suppressed/);
  });

  it('are refused, with a note, for a custom rule that cannot be suppressed', () => {
    const findings = check((stack) => BestPracticesAspect.suppress(topic(stack, 'T'), 'test-every-topic', 'fixture: try to silence it'), {
      rules: [everyTopic({ suppressible: false })],
    });
    expect(findings.map((f) => [f.suppressed, f.message])).toEqual([[false, 'saw t (suppression refused: rule test-every-topic cannot be suppressed)']]);
  });
});

describe('synthesis', () => {
  it('writes the JSON report into the stack output directory', () => {
    const { app, stack, outdir } = appWithStack();
    topic(stack, 'Topic');
    const dataset = new BigqueryDataset(stack, 'Dataset', { datasetId: 'd', labels: { pipeline: 'p' }, access: [{ role: 'OWNER', groupByEmail: 'owners@acme.com' }] });
    BestPracticesAspect.suppress(dataset, 'encryption-cmek', 'Google-managed keys are enough for this data');
    BestPracticesAspect.applyTo(stack);
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'flights', 'checks-report.json'), 'utf8'));
    expect(report).toMatchObject({
      formatVersion: 1,
      tool: 'cdktf-gcp-analytics-pipeline/checks',
      stack: 'flights',
      summary: { resources: 2, rules: BestPracticeRules.all().length, errors: 0, warnings: 1, infos: 1, suppressed: 1 },
    });
    expect(report.rules).toEqual(BestPracticeRules.all().map((r) => r.id).sort());
    expect(report.findings).toEqual([
      expect.objectContaining({ ruleId: 'pubsub-topic-schema', level: 'warning', resource: 'google_pubsub_topic.Topic', path: 'flights/Topic', suppressed: false }),
      expect.objectContaining({ ruleId: 'encryption-cmek', level: 'info', resource: 'google_bigquery_dataset.Dataset', suppressed: true, suppressionReason: 'Google-managed keys are enough for this data' }),
      expect.objectContaining({ ruleId: 'encryption-cmek', level: 'info', resource: 'google_pubsub_topic.Topic', explanation: expect.any(String), fix: expect.any(String) }),
    ]);
  });

  it('writes no report when reportFileName is empty', () => {
    const { app, stack, outdir } = appWithStack();
    topic(stack, 'Topic');
    BestPracticesAspect.applyTo(stack, { reportFileName: '' });
    app.synth();
    expect(fs.readdirSync(path.join(outdir, 'stacks', 'flights'))).toEqual(['cdk.tf.json']);
  });

  it('fails app.synth() on ERROR findings, listing each one, after writing the report', () => {
    const { app, stack, outdir } = appWithStack();
    new ProjectIamMember(stack, 'Editor', { project: 'acme', role: 'roles/editor', member: 'user:a@acme.com' });
    new BigqueryDataset(stack, 'Scratch', { datasetId: 'scratch', labels: { pipeline: 'p' }, deleteContentsOnDestroy: true });
    BestPracticesAspect.applyTo(stack);
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/\[flights\/Editor\] \[iam-primitive-role\] google_project_iam_member\.Editor: roles\/editor is granted to user:a@acme\.com\. Fix: /);
    expect(message).toMatch(/\[flights\/Scratch\] \[bigquery-dataset-delete-contents\] google_bigquery_dataset\.Scratch: delete_contents_on_destroy is true\. Fix: /);
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'flights', 'checks-report.json'), 'utf8'));
    expect(report.summary.errors).toBe(2);
  });

  it('lets app.synth() succeed when the only errors are suppressed', () => {
    const { app, stack } = appWithStack();
    const scratch = new BigqueryDataset(stack, 'Scratch', { datasetId: 'scratch', labels: { pipeline: 'p' }, deleteContentsOnDestroy: true });
    BestPracticesAspect.suppress(scratch, 'bigquery-dataset-delete-contents', 'throw-away dataset of the integration tests');
    BestPracticesAspect.applyTo(stack);
    expect(() => app.synth()).not.toThrow();
  });
});
