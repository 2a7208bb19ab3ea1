/**
 * A whole number read from an environment variable or a command-line flag: `fallback` when absent; when it is not
 * a whole number within `[min, max]`, a problem naming the setting, the range and the value (and `fallback`).
 */
export function integerSetting<T extends number | undefined>(text: string | undefined, fallback: T, min: number, max: number, name: string, problems: string[]): number | T {
  if (text === undefined) return fallback;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (n >= min && n <= max) return n;
  problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return fallback;
}
