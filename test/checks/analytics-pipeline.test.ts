import { Testing } from 'cdktf';
import { buildFlightsStack, PLACEHOLDER_IMAGE } from '../../examples/flights/flights-stack';
import { flightEvents } from '../../examples/flights/flight-events';
import { AnalyticsPipeline, BestPracticesAspect, Finding, RuleLevel, ServiceImage } from '../../src';
import { aboveInfo, check, PINNED_IMAGE } from './helpers';

/** Rule ids of the unsuppressed findings at a level. */
function ruleIdsAt(findings: Finding[], level: RuleLevel): string[] {
  return [...new Set(findings.filter((f) => f.level === level && !f.suppressed).map((f) => f.ruleId))].sort();
}

const findings = check((stack) => {
  new AnalyticsPipeline(stack, 'Flights', { name: 'flights', schema: flightEvents, image: ServiceImage.fromRegistry(PINNED_IMAGE) });
});

describe('a default AnalyticsPipeline', () => {
  it('has no ERROR finding', () => {
    expect(ruleIdsAt(findings, RuleLevel.ERROR)).toEqual([]);
  });

  it('warns only that its alerts notify nobody (no notificationChannels given: the example shows it on purpose)', () => {
    expect(ruleIdsAt(findings, RuleLevel.WARNING)).toEqual(['monitoring-alert-notification-channels']);
  });

  it('has only the INFO findings that record choices: Google-managed keys and data kept forever', () => {
    expect(ruleIdsAt(findings, RuleLevel.INFO)).toEqual(['bigquery-table-expiration', 'encryption-cmek']);
  });
});

describe('an AnalyticsPipeline with notification channels', () => {
  it('has no alert that notifies nobody', () => {
    const findings = check((stack) => {
      new AnalyticsPipeline(stack, 'Flights', {
        name: 'flights',
        schema: flightEvents,
        image: ServiceImage.fromRegistry(PINNED_IMAGE),
        monitoring: { notificationChannels: ['projects/acme/notificationChannels/123'] },
      });
    });
    expect(findings.filter((f) => f.ruleId === 'monitoring-alert-notification-channels')).toEqual([]);
  });
});

describe('an AnalyticsPipeline made public with allowPublicAccess', () => {
  const build = (suppress: boolean) =>
    check((stack) => {
      const pipeline = new AnalyticsPipeline(stack, 'Flights', {
        name: 'flights',
        schema: flightEvents,
        image: ServiceImage.fromRegistry(PINNED_IMAGE),
        api: { allowPublicAccess: true },
      });
      const grant = pipeline.api.node.findChild('PublicInvoker');
      if (suppress) BestPracticesAspect.suppress(grant, 'run-public-invoker', 'flight status is public data; decided by the product owner');
    });

  it('fails run-public-invoker (and nothing else) until the decision is recorded as a suppression', () => {
    const errors = (findings: Finding[]) => aboveInfo(findings.filter((f) => f.level === RuleLevel.ERROR));
    expect(errors(build(false))).toEqual(['run-public-invoker Flights/Api/PublicInvoker: allUsers is granted roles/run.invoker']);
    expect(errors(build(true))).toEqual([]);
  });
});

describe('the flights example stack', () => {
  it('has no ERROR finding, and the same warnings as the default pipeline', () => {
    const stack = buildFlightsStack(Testing.app(), { project: 'my-project', region: 'europe-west1', image: PLACEHOLDER_IMAGE });
    const aspect = BestPracticesAspect.applyTo(stack);
    Testing.synth(stack);
    expect(ruleIdsAt(aspect.findings, RuleLevel.ERROR)).toEqual([]);
    expect(ruleIdsAt(aspect.findings, RuleLevel.WARNING)).toEqual(ruleIdsAt(findings, RuleLevel.WARNING));
  });
});
