import { block, defineRule, isExpression, Value } from '../attributes';
import { CheckedResource, IRule, RuleLevel } from '../rule';

/** Label keys every pipeline resource carries by default. */
export const DEFAULT_REQUIRED_LABELS = ['pipeline'];

/**
 * Resources that take labels but lack one of `keys`. Provider `default_labels` count for `labels` (the provider
 * merges them in); Cloud Monitoring's `user_labels` get no defaults.
 */
export function requiredLabelsRule(keys: string[] = DEFAULT_REQUIRED_LABELS): IRule {
  return defineRule({
    id: 'labels-required',
    level: RuleLevel.WARNING,
    explanation:
      `Labels (${keys.join(', ')}) are how billing exports, the fleet dashboard and alert routing tell one pipeline's resources from another's; an unlabelled resource is invisible there, and with 50 pipelines nobody can say whose it is.`,
    fix: `Add the ${keys.map((k) => `"${k}"`).join(', ')} label${keys.length > 1 ? 's' : ''} (AnalyticsPipeline adds pipeline=<name> to every resource it creates), or set default_labels on the google provider.`,
    resourceTypes: ['*'],
    check: (resource, stack) => {
      if (!resource.takesLabels) return [];
      const { attribute, labels } = labelsOf(resource);
      if (isExpression(labels)) return [];
      const defaults = attribute === 'labels' ? block(stack.providerOf(resource)?.attributes.default_labels) ?? {} : {};
      const missing = keys.filter((key) => !hasLabel(labels, key) && !hasLabel(defaults, key));
      return missing.length > 0 ? [`${attribute} has no ${missing.join(', ')} label${missing.length > 1 ? 's' : ''}`] : [];
    },
  });
}

/** Every labels rule, with the default keys. */
export const labelsRules = [requiredLabelsRule()];

function labelsOf(resource: CheckedResource): { attribute: string; labels: Value } {
  if (resource.type.startsWith('google_monitoring_')) return { attribute: 'user_labels', labels: resource.attributes.user_labels };
  return { attribute: 'labels', labels: resource.attributes.labels };
}

function hasLabel(labels: Value, key: string): boolean {
  const map = block(labels);
  return map !== undefined && typeof map[key] === 'string' && map[key] !== '';
}

