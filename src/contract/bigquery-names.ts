/**
 * BigQuery's naming rules as the query API enforces them (it quotes every id it puts into SQL), shared with the
 * constructs so a view reference they accept is one the service can read.
 */

/** A dataset, table or column id the service accepts: letters, digits and `_`, not starting with a digit. */
export const BIGQUERY_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A project id, possibly domain-scoped (`example.com:project`). */
export const BIGQUERY_PROJECT_ID = /^(?:[a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** The parts of `project.dataset.table`, or undefined when a part breaks the rules above. */
export function parseTableReference(reference: string): { projectId: string; datasetId: string; tableId: string } | undefined {
  const parts = reference.split('.');
  if (parts.length < 3) return undefined;
  const tableId = parts.pop()!;
  const datasetId = parts.pop()!;
  const projectId = parts.join('.');
  const valid = BIGQUERY_PROJECT_ID.test(projectId) && BIGQUERY_IDENTIFIER.test(datasetId) && BIGQUERY_IDENTIFIER.test(tableId);
  return valid ? { projectId, datasetId, tableId } : undefined;
}
