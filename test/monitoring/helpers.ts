import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { PipelineMonitoringProps } from '../../src';
import { ALLOWED_METRICS, RESOURCE_LABELS } from './fixtures/metric-types';

/** Synthesized Terraform JSON, read loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The names the `flights` pipeline's resources get from AnalyticsPipeline. */
export const flights: PipelineMonitoringProps = {
  pipelineName: 'flights',
  projectId: 'acme-data',
  topicName: 'flights-events',
  subscriptionName: 'flights-to-bigquery',
  deadLetterSubscriptionName: 'flights-dead-letters-to-bigquery',
  serviceName: 'flights-api',
  serviceLocation: 'europe-west1',
};

/** Synthesizes what `build` adds to a fresh stack: the JSON text for the matchers and its parsed form. */
export function synth(build: (scope: Construct) => void): { json: string; tf: Json } {
  const json = Testing.synthScope(build);
  return { json, tf: JSON.parse(json) };
}

/** The resources of one Terraform type, as a list. */
export function resourcesOf(tf: Json, type: string): Json[] {
  return Object.values(tf.resource?.[type] ?? {});
}

/** The parsed `dashboard_json` of every dashboard. */
export function dashboardsOf(tf: Json): Json[] {
  return resourcesOf(tf, 'google_monitoring_dashboard').map((d) => JSON.parse(d.dashboard_json));
}

/** Every `filter`-like string in a tree (alert conditions, SLIs, dashboard queries), with where it was found. */
export function filtersIn(tree: Json, path = ''): { path: string; filter: string }[] {
  if (Array.isArray(tree)) return tree.flatMap((v, i) => filtersIn(v, `${path}[${i}]`));
  if (tree === null || typeof tree !== 'object') return [];
  return Object.entries(tree).flatMap(([k, v]) => {
    const here = `${path}.${k}`;
    const isFilter = /(^filter$|_filter$|Filter$|^time_series$|^distribution_filter$)/.test(k) && typeof v === 'string';
    return isFilter ? [{ path: here, filter: v as string }] : filtersIn(v, here);
  });
}

/**
 * Why a filter is wrong, if it is: a metric type outside the fixture, a resource type that metric is not written
 * against, or a `resource.label` that resource type does not have.
 */
export function filterProblems(filter: string): string[] {
  if (filter.startsWith('select_slo_')) {
    return /^select_slo_(burn_rate|budget_fraction)\("[^"]+"(, "\d+s")?\)$/.test(filter) ? [] : [`unexpected SLO selector ${filter}`];
  }
  const metricTypes = [...filter.matchAll(/metric\.type="([^"]+)"/g)].map((m) => m[1]);
  const resourceTypes = [...filter.matchAll(/resource\.type="([^"]+)"/g)].map((m) => m[1]);
  if (metricTypes.length !== 1 || resourceTypes.length !== 1) return [`expected one metric.type and one resource.type in ${filter}`];
  const allowed = ALLOWED_METRICS[metricTypes[0]];
  if (!allowed) return [`metric type ${metricTypes[0]} is not in the fixture`];
  const problems: string[] = [];
  if (allowed.resource !== resourceTypes[0]) problems.push(`${metricTypes[0]} is written against ${allowed.resource}, not ${resourceTypes[0]}`);
  for (const [, label] of filter.matchAll(/resource\.label\.([a-z_]+)/g)) {
    if (!RESOURCE_LABELS[allowed.resource].includes(label)) problems.push(`${allowed.resource} has no label ${label}`);
  }
  for (const [, label] of filter.matchAll(/metric\.label\.([a-z_]+)/g)) {
    if (!allowed.metricLabels.includes(label)) problems.push(`${metricTypes[0]} has no label ${label}`);
  }
  return problems;
}
