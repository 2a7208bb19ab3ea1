import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { RecordSchema } from '../../schema/record-schema';
import type { AppEnv } from '../app-env';
import { AvroEventValidator, AvroJsonEvent } from '../events/avro-event';
import type { Publisher } from '../events/publisher';
import { ApiError, ErrorCode } from '../http-error';

/** What the events resource needs. */
export interface EventRoutesDeps {
  readonly publisher: Publisher;
  /** The schema of the topic: events must match it exactly. */
  readonly schema: RecordSchema;
  readonly maxBodyBytes: number;
}

/** Pub/Sub's own limit of messages per publish request. */
export const MAX_EVENTS_PER_REQUEST = 1000;
/** Problems listed in a 400, so one broken batch does not produce a huge answer. */
const MAX_PROBLEMS_REPORTED = 20;

/**
 * `POST /v1/events`: one event (an object) or a batch (an array), in Avro's JSON encoding. Every event is
 * validated as Pub/Sub would; one invalid event refuses the whole request with a 400 naming it and the field.
 */
export const eventRoutes = ({ publisher, schema, maxBodyBytes }: EventRoutesDeps) => {
  let validator: AvroEventValidator | undefined;
  return new Hono<AppEnv>().post(
    '/',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new ApiError(413, ErrorCode.PAYLOAD_TOO_LARGE, `the body is larger than ${maxBodyBytes} bytes; send smaller batches`);
      },
    }),
    async (c) => {
      if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(c.req.header('content-type') ?? '')) {
        throw new ApiError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'send the events as application/json');
      }
      const body = await readJson(c.req.raw);
      const events = Array.isArray(body) ? body : [body];
      if (events.length === 0 || events.length > MAX_EVENTS_PER_REQUEST) {
        throw ApiError.invalid(`send 1 to ${MAX_EVENTS_PER_REQUEST} events per request, got ${events.length}`);
      }
      const problems = events.flatMap((event, index) => {
        // Built on first use: the first request pays for compiling the Avro schema, not the cold start.
        validator ??= new AvroEventValidator(schema);
        const problem = validator.problem(event);
        return problem ? [{ index, field: problem.path, message: problem.message }] : [];
      });
      if (problems.length > 0) {
        const first = problems[0];
        const where = Array.isArray(body) ? `event ${first.index}` : 'the event';
        throw ApiError.invalid(
          `${where}${first.field ? `, field ${first.field}` : ''}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}; nothing was published`,
          { problems: problems.slice(0, MAX_PROBLEMS_REPORTED) },
        );
      }
      const messageIds = await publisher.publish(events as AvroJsonEvent[]);
      return c.json({ messageIds });
    },
  );
};

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw ApiError.invalid(`the body is not valid JSON: ${(e as Error).message}`);
  }
}
