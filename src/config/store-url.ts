/**
 * Where the store lives: `POLLEN_DATABASE_URL` unset or `sqlite:<path>` is the embedded SQLite
 * file (one process, one machine); `postgres://` or `postgresql://` is a PostgreSQL 15+ server
 * shared by gateway replicas and bot workers.
 */
export type StoreLocation =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

export class StoreUrlError extends Error {
  readonly code = 'STORE_URL_INVALID';
}

/** Parses a store URL; `fallbackPath` is the SQLite file used when no URL is given. */
export function parseStoreUrl(url: string | undefined, fallbackPath: string): StoreLocation {
  if (url === undefined || url.trim() === '') return { kind: 'sqlite', path: fallbackPath };
  const value = url.trim();
  if (value.startsWith('sqlite:')) {
    const rest = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (rest === '') throw new StoreUrlError('sqlite: doit être suivi du chemin du fichier, par exemple sqlite:var/pollen.sqlite');
    return { kind: 'sqlite', path: rest };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new StoreUrlError(`adresse PostgreSQL illisible : ${redactUrl(value)}`);
    }
    return { kind: 'postgres', url: value };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
  throw new StoreUrlError(
    `schéma ${scheme ? `« ${scheme}: » ` : ''}non pris en charge : utilisez sqlite:<chemin> ou postgres://utilisateur@hôte:port/base`,
  );
}

/** The URL as it may appear in a log or a message: never with its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
  }
}

/** A short description for /health and logs. */
export function describeLocation(location: StoreLocation): string {
  return location.kind === 'sqlite' ? location.path : redactUrl(location.url);
}
