import type { RecordSchema } from '../../schema/record-schema';
import { AvroEventValidator } from '../events/avro-event';

/**
 * Says why a JSON-encoded payload would be refused by a topic with this schema (as Pub/Sub validates a publish),
 * or undefined when it would be accepted. Topics with BINARY encoding carry Avro binary: do not check those.
 */
export function jsonPayloadProblem(schema: RecordSchema): (data: Buffer) => string | undefined {
  const validator = new AvroEventValidator(schema);
  return (data) => {
    let event: unknown;
    try {
      event = JSON.parse(data.toString('utf8'));
    } catch (e) {
      return `the payload is not JSON: ${(e as Error).message}`;
    }
    const problem = validator.problem(event);
    if (!problem) return undefined;
    return problem.path ? `field ${problem.path}: ${problem.message}` : problem.message;
  };
}
