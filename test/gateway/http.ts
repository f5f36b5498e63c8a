import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createGateway, type GatewayOptions } from '../../src/server.js';
import type { GatewayDeps } from '../../src/graphql/context.js';
import { loadCurriculum } from '../../src/curriculum/loader.js';
import { WikiClient } from '../../src/wiki/index.js';
import { freePort } from '../support/net.js';

export interface GraphQLAnswer<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors: Array<{ message: string; path?: Array<string | number>; locations?: Array<{ line: number; column: number }>; extensions?: Record<string, unknown> }> | undefined;
  /** The response's own extensions (e.g. `wikiCache` when stale wiki pages were served). */
  extensions?: Record<string, unknown> | undefined;
}

export interface RunningGateway {
  url: string;
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLAnswer<T>>;
  close(): Promise<void>;
}

/** Starts the real Express + Apollo gateway on a free loopback port. */
export async function startGateway(deps: GatewayDeps, options: GatewayOptions = {}): Promise<RunningGateway> {
  const { app, apollo } = await createGateway(deps, options);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async query(query, variables, headers = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: GraphQLAnswer['errors']; extensions?: Record<string, unknown> };
      return { status: res.status, data: body.data, errors: body.errors, extensions: body.extensions };
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await apollo.stop();
    },
  };
}

/**
 * The gateway as `npm start` builds it (buildRuntime: lazy wiki clients, store, auth, notes),
 * over the wiki at `apiUrl` with the harness's bot, an in-memory store and silent logs.
 */
export async function startRuntimeGateway(
  apiUrl: string,
  bot: { botUser: string; botPassword: string },
): Promise<{ runtime: Runtime; gateway: RunningGateway; close(): Promise<void> }> {
  const config = loadConfig({ WIKI_API_URL: apiUrl, WIKI_BOT_USER: bot.botUser, WIKI_BOT_PASSWORD: bot.botPassword, POLLEN_STORE_PATH: ':memory:' });
  const runtime = await buildRuntime(config, pino({ level: 'silent' }));
  const gateway = await startGateway(runtime.deps, { metrics: runtime.metrics });
  return {
    runtime,
    gateway,
    async close() {
      await gateway.close();
      runtime.close();
    },
  };
}

/**
 * The dependencies of a gateway with no upstream to reach: the curriculum from course-modules,
 * no Moodle, and a wiki address where nothing answers (for requests refused before any read).
 */
export async function upstreamFreeDeps(): Promise<GatewayDeps> {
  const wiki = WikiClient.lazy({ apiUrl: `http://127.0.0.1:${await freePort()}/api.php`, maxRetries: 0 });
  return { wiki, wikiMode: 'none', moodle: undefined, curriculum: await loadCurriculum('course-modules'), moodleActivityMap: new Map(), probes: [] };
}
