/**
 * A value built on first use, then kept: for Intl formatters and collators. Building any of them
 * makes the process map ICU's locale and time-zone data (about 6 MB of resident memory for the
 * first, more for each locale and zone); a gateway answering only GraphQL never needs them, and
 * one that serves pages builds each once.
 */
export function lazily<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}
