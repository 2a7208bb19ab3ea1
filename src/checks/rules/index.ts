import { IRule } from '../rule';
import { bigqueryRules } from './bigquery';
import { cloudRunRules } from './cloud-run';
import { encryptionRules } from './encryption';
import { iamRules } from './iam';
import { DEFAULT_REQUIRED_LABELS, requiredLabelsRule } from './labels';
import { monitoringRules } from './monitoring';
import { pubsubRules } from './pubsub';

/** The built-in rules: Cloud Run, IAM, BigQuery, Pub/Sub, Cloud Monitoring, labels and encryption. See docs/checks.md for each. */
export class BestPracticeRules {
  /**
   * Every built-in rule.
   *
   * @param requiredLabels label keys the `labels-required` rule asks for; default `["pipeline"]`
   */
  public static all(requiredLabels?: string[]): IRule[] {
    const labels = requiredLabels === undefined ? DEFAULT_REQUIRED_LABELS : requiredLabels;
    return [...cloudRunRules, ...iamRules, ...bigqueryRules, ...pubsubRules, ...monitoringRules, requiredLabelsRule(labels), ...encryptionRules];
  }

  /**
   * The `labels-required` rule for other keys than `pipeline`, for use in `BestPracticesAspectProps.rules`.
   *
   * @param keys label keys every resource that takes labels must carry
   */
  public static requiredLabels(keys: string[]): IRule {
    return requiredLabelsRule(keys);
  }

  /** The built-in rule with this id, if there is one. */
  public static find(id: string): IRule | undefined {
    return BestPracticeRules.all().find((rule) => rule.id === id);
  }

  private constructor() {}
}
