/** The runbook in this library's repository: docs/observability.md. */
export const RUNBOOK_URL = 'https://github.com/cdktf-gcp-analytics-pipeline/cdktf-gcp-analytics-pipeline/blob/main/docs/observability.md';

/** Link to a runbook section: headings `### Runbook: <topic>` get the anchor `#runbook-<topic>`. */
export function runbookSection(runbookUrl: string, anchor: string): string {
  return `${runbookUrl}#runbook-${anchor}`;
}
