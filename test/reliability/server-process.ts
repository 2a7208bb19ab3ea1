import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The real service process (`src/service/server.ts` under tsx) on a free loopback port, as the integration test starts it. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Everything the process wrote so far (its JSON log lines). */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then the exit code; SIGKILL if it has not exited within `boundMs`. */
  stop(boundMs?: number): Promise<number | null>;
}

const root = join(__dirname, '..', '..');
/** Output kept from a chatty process (one log line per request): the tail is enough to explain a failure. */
const OUTPUT_LIMIT = 4 * 1024 * 1024;

/** Starts the service with these environment variables (PORT=0 and STORE=duckdb unless given) and waits until it listens. */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/service/server.ts')], {
    cwd: root,
    env: { ...process.env, STORE: 'duckdb', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let started = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT / 2);
      const match = started ? null : /"message":"listening on port (\d+)"/.exec(output);
      if (match) {
        started = true;
        const port = Number(match[1]);
        resolve({
          child,
          url: `http://127.0.0.1:${port}`,
          port,
          output: () => output,
          exited,
          stop: async (boundMs = 15_000) => {
            if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
            const code = await exited;
            clearTimeout(timer);
            return code;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      if (!started) reject(new Error(`server exited with ${code} before listening:\n${output.slice(-4000)}`));
    });
  });
}

/** Resident set size of a process in bytes, from /proc (Linux); undefined elsewhere or once it has exited. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
