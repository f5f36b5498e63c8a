/**
 * Vitest's order (failed and slow files first, from its cache, else the biggest), with the
 * live-Moodle specs last: their Moodle is provisioned in the background while the others run
 * (test/support/moodle-setup.ts), so no worker sits waiting for it while there is other work.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LIVE = /[\\/]test[\\/]moodle-live[\\/]/;

export class LiveMoodleLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((f) => !LIVE.test(f.moduleId)), ...sorted.filter((f) => LIVE.test(f.moduleId))];
  }
}
