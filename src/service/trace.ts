/** The trace a request belongs to, from W3C `traceparent` or Google's `X-Cloud-Trace-Context`. */
export interface TraceContext {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** Span id as the header gave it (16 hex digits for traceparent, decimal for X-Cloud-Trace-Context). */
  readonly spanId?: string;
  readonly sampled?: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const CLOUD_TRACE = /^([0-9a-fA-F]{32})(?:\/(\d+))?(?:;o=([01]))?$/;
const INVALID_TRACE_ID = '0'.repeat(32);

/** The trace of a request; `traceparent` wins because Cloud Run forwards both and it is the standard one. */
export function parseTrace(traceparent: string | undefined, cloudTraceContext: string | undefined): TraceContext | undefined {
  const w3c = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  if (w3c && w3c[1] !== 'ff' && w3c[2] !== INVALID_TRACE_ID && w3c[3] !== '0'.repeat(16)) {
    return { traceId: w3c[2], spanId: w3c[3], sampled: (parseInt(w3c[4], 16) & 1) === 1 };
  }
  const google = cloudTraceContext ? CLOUD_TRACE.exec(cloudTraceContext.trim()) : null;
  if (google && google[1] !== INVALID_TRACE_ID) {
    return { traceId: google[1].toLowerCase(), spanId: google[2], sampled: google[3] === undefined ? undefined : google[3] === '1' };
  }
  return undefined;
}

/** The log fields Cloud Logging reads to link an entry to its trace. */
export function traceLogFields(trace: TraceContext | undefined, projectId: string | undefined): Record<string, unknown> {
  if (!trace || !projectId) return {};
  return {
    'logging.googleapis.com/trace': `projects/${projectId}/traces/${trace.traceId}`,
    ...(trace.spanId ? { 'logging.googleapis.com/spanId': trace.spanId } : {}),
    ...(trace.sampled !== undefined ? { 'logging.googleapis.com/trace_sampled': trace.sampled } : {}),
  };
}
