import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const COMPONENTS = 'urn:openapi:components';

/**
 * Checks real responses against an OpenAPI 3.1 document with a standard JSON Schema validator (ajv, draft 2020-12,
 * strict): the status must be declared for the operation, and the body must match the schema declared for it.
 * Returns ajv's errors (empty when the response conforms).
 */
export function responseChecker(document: Json) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  // OpenAPI's numeric formats: wire INT64 numbers are safe integers (larger values travel as strings).
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addSchema(rewriteRefs({ $id: COMPONENTS, $defs: document.components.schemas }));
  const compiled = new Map<string, ValidateFunction>();

  return (method: string, path: string, status: number, body: unknown, headers?: Headers): string[] => {
    const operation = document.paths[path]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${path} is not in the document`];
    let response = operation.responses[String(status)];
    if (!response) return [`${method} ${path} does not declare status ${status}`];
    if (response.$ref) response = document.components.responses[response.$ref.split('/').pop()];
    // Every header the document declares for this response must be there (when the caller passes the headers).
    const missing = headers ? Object.keys(response.headers ?? {}).filter((name) => !headers.has(name)) : [];
    if (missing.length > 0) return missing.map((name) => `${method} ${path} ${status} lacks the declared header ${name}`);
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return [`${method} ${path} ${status} declares no JSON body`];
    const id = `${method} ${path} ${status}`;
    if (!compiled.has(id)) compiled.set(id, ajv.compile(rewriteRefs(schema)));
    const validate = compiled.get(id)!;
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${id}: ${e.instancePath || '/'} ${e.message}`);
  };
}

/** Points the document's `#/components/schemas/X` references at the components registered with ajv. */
function rewriteRefs(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${COMPONENTS}#/$defs/`));
}
