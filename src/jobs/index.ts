/**
 * Jobs once per cluster: a lease row per job in the store (both backends), so gateway replicas and
 * bot workers sharing a store run each scheduled job once per interval, not once per process.
 *
 *   await runExclusive(store, 'curriculum-publish', 10 * 60_000, () => publish(), { holdForMs: 5 * 60_000 });
 *   const schedule = scheduleJob(store, { name: 'progress-sync', everyMs: 30 * 60_000, run: () => tracker.sync().then(() => {}) });
 */
export { acquireLease, holdLeaseUntil, leaseHolder, leaseMigrations, processHolderId, releaseLease, releaseLeasesOf, type LeaseOptions } from './lease.js';
export { runExclusive, type ExclusiveOutcome, type RunExclusiveOptions } from './run.js';
export { scheduleJob, type JobSchedule, type ScheduledJob } from './schedule.js';
export { holderChangeLog, type HolderLogger } from './holder-log.js';
export { mapInSteps, yieldToEventLoop } from './steps.js';
