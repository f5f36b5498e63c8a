/** Where a session is held, for the public pages: its département, its town, a map link. */
import type { AgendaSession } from '../model.js';

/** The département of a French postal code: « 69 », « 2A », « 974 ». */
function departmentOfPostcode(code: string): string {
  if (code.startsWith('97') || code.startsWith('98')) return code.slice(0, 3);
  if (code.startsWith('20')) return Number(code) < 20200 ? '2A' : '2B';
  return code.slice(0, 2);
}

/** The département and town read from an address's postal code (the last one in it); undefined when it has none. */
export function territoryOf(address: string | null): { department: string; town: string } | undefined {
  if (!address) return undefined;
  const matches = [...address.matchAll(/\b(\d{5})\b\s*([^,\n]*)/g)];
  const last = matches.at(-1);
  if (!last) return undefined;
  return { department: departmentOfPostcode(last[1]!), town: last[2]!.trim() };
}

/** True for a session with a link to join from home. */
export function isOnline(session: AgendaSession): boolean {
  return session.place.onlineUrl !== null;
}

/**
 * An OpenStreetMap link: on the coordinates when the session has them, else a search on the
 * address. Undefined for a session with no address.
 */
export function mapUrl(session: AgendaSession): string | undefined {
  const { latitude, longitude, address } = session.place;
  if (latitude !== null && longitude !== null) {
    return `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=17/${latitude}/${longitude}`;
  }
  return address ? `https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}` : undefined;
}
