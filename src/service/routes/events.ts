import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { RecordSchema } from '../../schema/record-schema';
import type { AppEnv } from '../app-env';
import { AvroEventValidator, AvroJsonEvent } from '../events/avro-event';
import { LOCAL_PUBLISHER, PUBLISHER_ATTRIBUTE, verifiedCallerEmail } from '../events/caller-identity';
import type { Publisher } from '../events/publisher';
import { ApiError, ErrorCode } from '../http-error';

/** What the events resource needs. */
export interface EventRoutesDeps {
  readonly publisher: Publisher;
  /** The schema of the topic: events must match it exactly. */
  readonly schema: RecordSchema;
  readonly maxBodyBytes: number;
  /**
   * Emails of the accounts allowed to publish, compared with the identity Cloud Run verified. Only for a service
   * behind Cloud Run IAM: elsewhere the token's signature is not checked by anyone.
   *
   * @default - no check: anyone who reaches the service publishes, recorded as `publisher=local` (local mode)
   */
  readonly publishers?: readonly string[];
}

/** Pub/Sub's own limit of messages per publish request. */
export const MAX_EVENTS_PER_REQUEST = 1000;
/** Problems listed in a 400, so one broken batch does not produce a huge answer. */
const MAX_PROBLEMS_REPORTED = 20;

/**
 * `POST /v1/events`: one event (an object) or a batch (an array), in Avro's JSON encoding. Every event is
 * validated as Pub/Sub would; one invalid event refuses the whole request with a 400 naming it and the field.
 */
export const eventRoutes = ({ publisher, schema, maxBodyBytes, publishers }: EventRoutesDeps) => {
  let validator: AvroEventValidator | undefined;
  const allowed = publishers ? new Set(publishers.map((p) => p.toLowerCase())) : undefined;
  return new Hono<AppEnv>().post(
    '/',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new ApiError(413, ErrorCode.PAYLOAD_TOO_LARGE, `the body is larger than ${maxBodyBytes} bytes; send smaller batches`);
      },
    }),
    async (c) => {
      // Checked before the body is read: a caller who may not publish learns nothing about the schema.
      let caller = LOCAL_PUBLISHER;
      if (allowed) {
        const email = verifiedCallerEmail((name) => c.req.header(name));
        if (!email || !allowed.has(email)) {
          throw new ApiError(403, ErrorCode.PERMISSION_DENIED, 'the caller may read this API but not publish to it: ask for it to be added to the API\'s event publishers');
        }
        caller = email;
      }
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
      const messageIds = await publisher.publish(events as AvroJsonEvent[], { attributes: { [PUBLISHER_ATTRIBUTE]: caller } });
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
