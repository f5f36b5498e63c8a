/** A TCP port free on 127.0.0.1 right now (scripts/net.ts, shared with the scripts). */
export { freePort } from '../../scripts/net.js';
