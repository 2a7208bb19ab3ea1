import { MonitoringAlertPolicy, MonitoringAlertPolicyConfig } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { BestPracticeRules } from '../../src';
import { check, findingsOf } from './helpers';

const alertPolicy = (stack: TerraformStack, overrides: Partial<MonitoringAlertPolicyConfig> = {}) =>
  new MonitoringAlertPolicy(stack, 'Alert', {
    displayName: 'backlog',
    combiner: 'OR',
    conditions: [{ displayName: 'c', conditionAbsent: { duration: '300s', filter: 'resource.type = "pubsub_subscription"' } }],
    ...overrides,
  });

describe('labels-required', () => {
  it('fails when a resource that takes labels has no pipeline label', () => {
    expect(
      findingsOf('labels-required', (stack) => {
        new PubsubTopic(stack, 'Unlabelled', { name: 'a' });
        new PubsubTopic(stack, 'OtherLabels', { name: 'b', labels: { team: 'data' } });
        new PubsubTopic(stack, 'EmptyValue', { name: 'c', labels: { pipeline: '' } });
      }),
    ).toEqual([
      ['google_pubsub_topic.Unlabelled', 'labels has no pipeline label'],
      ['google_pubsub_topic.OtherLabels', 'labels has no pipeline label'],
      ['google_pubsub_topic.EmptyValue', 'labels has no pipeline label'],
    ]);
  });

  it('fails when a Cloud Monitoring resource has no pipeline user label', () => {
    expect(findingsOf('labels-required', (stack) => alertPolicy(stack))).toEqual([['google_monitoring_alert_policy.Alert', 'user_labels has no pipeline label']]);
  });

  it('passes labelled resources, labels from an expression, and types that take no labels', () => {
    expect(
      findingsOf('labels-required', (stack) => {
        new PubsubTopic(stack, 'Labelled', { name: 'a', labels: { pipeline: 'flights' } });
        const labels = new TerraformVariable(stack, 'labels', { type: 'map(string)' });
        new PubsubTopic(stack, 'FromVariable', { name: 'b', labels: labels.value });
        new ServiceAccount(stack, 'Account', { accountId: 'api' });
        alertPolicy(stack, { userLabels: { pipeline: 'flights' } });
      }),
    ).toEqual([]);
  });

  it('passes labels the provider adds through default_labels', () => {
    const found = check((stack) => {
      new GoogleProvider(stack, 'labelled', { alias: 'labelled', project: 'acme', defaultLabels: { pipeline: 'flights' } });
      new PubsubTopic(stack, 'ViaDefaults', { name: 'a', provider: stack.node.findChild('labelled') as GoogleProvider });
      new PubsubTopic(stack, 'DefaultProvider', { name: 'b' });
    }).filter((f) => f.ruleId === 'labels-required');
    expect(found.map((f) => f.resourceAddress)).toEqual(['google_pubsub_topic.DefaultProvider']);
  });

  it('asks for other keys when built with BestPracticeRules.requiredLabels', () => {
    const found = check((stack) => new PubsubTopic(stack, 'Topic', { name: 'a', labels: { pipeline: 'flights' } }), {
      rules: [BestPracticeRules.requiredLabels(['pipeline', 'team', 'env'])],
    });
    expect(found.map((f) => f.message)).toEqual(['labels has no team, env labels']);
  });
});
