import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { LiveMoodleLastSequencer } from './test/support/sequencer.js';

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module); Node and Apollo load the CJS one, Vite would
    // pick the ESM one for our files: two copies, and "Cannot use GraphQLSchema from another realm".
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    // Specs start `tsx src/main.ts` (and bots) from scratch folders: tsx must still read the
    // project's tsconfig (JSX through preact's automatic runtime), whatever the child's cwd.
    env: { TSX_TSCONFIG_PATH: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) },
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/support/global-setup.ts', 'test/support/moodle-setup.ts'],
    // The live-Moodle specs last: their Moodle is built while the others run.
    sequence: { sequencer: LiveMoodleLastSequencer },
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores: each file that needs a wiki starts its own copy, so keep parallelism modest.
    maxWorkers: 2,
  },
});
