/** Cloud Logging severities the service writes. */
export enum Severity {
  DEBUG = 'DEBUG',
  INFO = 'INFO',
  WARNING = 'WARNING',
  ERROR = 'ERROR',
}

/** One structured log entry, in the JSON shape Cloud Logging's agent parses from stdout. */
export interface LogEntry {
  readonly severity: Severity;
  readonly message: string;
  readonly [field: string]: unknown;
}

/** Where entries go: stdout in production, an array in tests. */
export type LogSink = (entry: LogEntry) => void;

/** Writes structured entries; `fields` are merged into the entry (httpRequest, trace, error...). */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON line per entry on stdout: Cloud Run ships it to Cloud Logging as a structured entry. */
export const stdoutSink: LogSink = (entry) => {
  process.stdout.write(`${JSON.stringify(entry, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
};

const ORDER: Record<Severity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 };

/** A logger writing to `sink` entries at `minSeverity` or above, each carrying `base` fields (service name). */
export function createLogger(sink: LogSink = stdoutSink, minSeverity: Severity = Severity.INFO, base: Record<string, unknown> = {}): Logger {
  const write = (severity: Severity) => (message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[severity] >= ORDER[minSeverity]) sink({ ...base, ...fields, severity, message });
  };
  return { debug: write(Severity.DEBUG), info: write(Severity.INFO), warn: write(Severity.WARNING), error: write(Severity.ERROR) };
}

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger(() => undefined);
