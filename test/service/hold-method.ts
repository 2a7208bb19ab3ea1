/**
 * Makes the next calls of an object's async method wait until `release()`, then run as before: a test holds a store
 * mid-read or mid-write at a known point, instead of sleeping for a time the work may or may not need here.
 * `restore()` puts the method back for later calls.
 */
export function holdMethod(target: object, name: string): { release: () => void; restore: () => void } {
  const object = target as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = object[name]!;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  object[name] = async (...args: unknown[]) => {
    await gate;
    return original.apply(target, args);
  };
  return { release, restore: () => (object[name] = original) };
}
