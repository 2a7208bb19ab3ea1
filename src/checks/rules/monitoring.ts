import { defineRule, isExpression, isFalse } from '../attributes';
import { RuleLevel } from '../rule';

/** An alert policy that tells nobody when it fires. */
export const monitoringAlertNotificationChannels = defineRule({
  id: 'monitoring-alert-notification-channels',
  level: RuleLevel.WARNING,
  explanation:
    'An alert policy without notification channels opens incidents that only someone already looking at the Cloud Monitoring console sees: the backlog, dead-letter and error-budget alerts exist to wake someone up, and without a channel a pipeline that stopped writing stays unnoticed.',
  fix: 'Give the policy notification_channels (AnalyticsPipeline: monitoring.notificationChannels, ids like projects/<p>/notificationChannels/<id>). A disabled policy (enabled = false) is not reported.',
  resourceTypes: ['google_monitoring_alert_policy'],
  check: (policy) => {
    const channels = policy.attributes.notification_channels;
    if (isFalse(policy.attributes.enabled) || isExpression(channels)) return [];
    return Array.isArray(channels) && channels.length > 0 ? [] : ['no notification_channels: the alert notifies nobody'];
  },
});

/** Every Cloud Monitoring rule. */
export const monitoringRules = [monitoringAlertNotificationChannels];
