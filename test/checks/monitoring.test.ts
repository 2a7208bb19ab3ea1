import { MonitoringAlertPolicy, MonitoringAlertPolicyConfig } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { TerraformStack } from 'cdktf';
import { findingsOf } from './helpers';

/** An alert policy with one threshold condition, with overrides. */
function alert(stack: TerraformStack, id: string, overrides: Partial<MonitoringAlertPolicyConfig> = {}): MonitoringAlertPolicy {
  return new MonitoringAlertPolicy(stack, id, {
    displayName: id,
    combiner: 'OR',
    conditions: [{ displayName: 'backlog', conditionThreshold: { filter: 'metric.type="pubsub.googleapis.com/subscription/oldest_unacked_message_age"', comparison: 'COMPARISON_GT', duration: '300s', thresholdValue: 600 } }],
    userLabels: { pipeline: 'p' },
    ...overrides,
  });
}

describe('monitoring-alert-notification-channels', () => {
  it('fails an alert policy without notification channels', () => {
    expect(
      findingsOf('monitoring-alert-notification-channels', (stack) => {
        alert(stack, 'Unset');
        alert(stack, 'Empty', { notificationChannels: [] });
      }),
    ).toEqual([
      ['google_monitoring_alert_policy.Unset', 'no notification_channels: the alert notifies nobody'],
      ['google_monitoring_alert_policy.Empty', 'no notification_channels: the alert notifies nobody'],
    ]);
  });

  it('passes a policy that notifies a channel, and a disabled policy', () => {
    expect(
      findingsOf('monitoring-alert-notification-channels', (stack) => {
        alert(stack, 'Notifies', { notificationChannels: ['projects/acme/notificationChannels/123'] });
        alert(stack, 'Disabled', { enabled: false });
      }),
    ).toEqual([]);
  });
});
