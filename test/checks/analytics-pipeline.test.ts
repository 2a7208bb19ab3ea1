import { Testing } from 'cdktf';
import { buildFlightsStack, PLACEHOLDER_IMAGE } from '../../examples/flights/flights-stack';
import { flightEvents } from '../../examples/flights/flight-events';
import { AnalyticsPipeline, BestPracticesAspect, RuleLevel, ServiceImage } from '../../src';
import { aboveInfo, check, PINNED_IMAGE } from './helpers';

describe('a default AnalyticsPipeline', () => {
  const findings = check((stack) => {
    new AnalyticsPipeline(stack, 'Flights', { name: 'flights', schema: flightEvents, image: ServiceImage.fromRegistry(PINNED_IMAGE) });
  });

  it('has zero findings above INFO', () => {
    expect(aboveInfo(findings)).toEqual([]);
  });

  it('has only the INFO findings that record choices: Google-managed keys and data kept forever', () => {
    const infos = new Set(findings.filter((f) => f.level === RuleLevel.INFO).map((f) => f.ruleId));
    expect([...infos].sort()).toEqual(['bigquery-table-expiration', 'encryption-cmek']);
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

  it('fails run-public-invoker until the decision is recorded as a suppression', () => {
    expect(aboveInfo(build(false))).toContain('run-public-invoker Flights/Api/PublicInvoker: allUsers is granted roles/run.invoker');
    expect(aboveInfo(build(true))).toEqual([]);
  });
});

describe('the flights example stack', () => {
  it('has the same findings above INFO as the default pipeline', () => {
    const stack = buildFlightsStack(Testing.app(), { project: 'my-project', region: 'europe-west1', image: PLACEHOLDER_IMAGE });
    const aspect = BestPracticesAspect.applyTo(stack);
    Testing.synth(stack);
    expect(aboveInfo(aspect.findings)).toEqual([]);
  });
});
