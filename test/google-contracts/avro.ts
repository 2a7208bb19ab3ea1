import * as avro from 'avsc';

/**
 * The logical types of the Avro 1.11 specification and the types each annotates. A logical type on another type is
 * ignored by readers (the spec says they fall back to the underlying type), so Pub/Sub would not see it.
 */
const LOGICAL_TYPES: { [logical: string]: string[] } = {
  'decimal': ['bytes', 'fixed'],
  'uuid': ['string', 'fixed'],
  'date': ['int'],
  'time-millis': ['int'],
  'time-micros': ['long'],
  'timestamp-millis': ['long'],
  'timestamp-micros': ['long'],
  'local-timestamp-millis': ['long'],
  'local-timestamp-micros': ['long'],
  'duration': ['fixed'],
};

/** Why `json` is not an Avro schema a real parser (avsc) accepts, defaults included; empty when it is one. */
export function avroProblems(json: unknown, where: string): string[] {
  try {
    // avsc checks names, types, and that every default is valid for its type (the first branch of a union).
    avro.Type.forSchema(json as avro.Schema, { wrapUnions: true });
  } catch (e) {
    return [`${where}: ${(e as Error).message}`];
  }
  return logicalTypeProblems(json, where);
}

function logicalTypeProblems(node: unknown, where: string): string[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => logicalTypeProblems(n, `${where}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  const { type, logicalType, fields, items } = node as { type?: unknown; logicalType?: string; fields?: { type: unknown }[]; items?: unknown };
  const problems: string[] = [];
  if (logicalType !== undefined) {
    const allowed = LOGICAL_TYPES[logicalType];
    if (!allowed) problems.push(`${where}: logical type ${logicalType} is not in the Avro specification`);
    else if (typeof type !== 'string' || !allowed.includes(type)) problems.push(`${where}: logical type ${logicalType} annotates ${allowed.join(' or ')}, not ${JSON.stringify(type)}`);
  }
  if (Array.isArray(fields)) fields.forEach((f, i) => problems.push(...logicalTypeProblems(f.type, `${where}.fields[${i}]`)));
  if (typeof type === 'object') problems.push(...logicalTypeProblems(type, where));
  if (items !== undefined) problems.push(...logicalTypeProblems(items, `${where}.items`));
  return problems;
}
