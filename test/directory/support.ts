/**
 * The gateway as `npm start` builds it (buildRuntime), over a real test wiki, with an in-memory
 * store, a facilitator token, and optionally POLLEN_DEMO=1.
 */
import { pino } from 'pino';
import { addLearner } from '../../bots/progress-sync.js';
import { buildRuntime, type Runtime } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { startGateway, type RunningGateway } from '../gateway/http.js';
import type { LocalWiki } from '../support/wiki.js';

export const FACILITATOR_TOKEN = 'directory-facilitator-token-0123456789';
export const facilitator = { authorization: `Bearer ${FACILITATOR_TOKEN}` };

export interface DirectoryGateway {
  runtime: Runtime;
  gateway: RunningGateway;
  /** Signs a local learner in; the headers to send as them. */
  learner(username: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function startDirectoryGateway(wiki: LocalWiki, env: Record<string, string> = {}): Promise<DirectoryGateway> {
  const config = loadConfig({
    WIKI_API_URL: wiki.apiUrl, WIKI_BOT_USER: wiki.botUser, WIKI_BOT_PASSWORD: wiki.botPassword,
    POLLEN_STORE_PATH: ':memory:', POLLEN_FACILITATOR_TOKENS: FACILITATOR_TOKEN, ...env,
  });
  const runtime = await buildRuntime(config, pino({ level: 'silent' }));
  const gateway = await startGateway(runtime.deps);
  return {
    runtime,
    gateway,
    async learner(username) {
      await addLearner(runtime.database, { username, displayName: username, password: `${username}-mot-de-passe` });
      const answer = await gateway.query<{ login: { token: string } }>('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: `${username}-mot-de-passe` });
      if (!answer.data?.login) throw new Error(`login failed: ${JSON.stringify(answer.errors)}`);
      return { authorization: `Bearer ${answer.data.login.token}` };
    },
    async close() {
      await gateway.close();
      runtime.close();
    },
  };
}
