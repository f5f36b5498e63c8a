/** Worker entry of {@link writeCartridgeApart}: writes one cartridge, posts its size, exits. */
import { parentPort, workerData } from 'node:worker_threads';
import type { CartridgeJob } from './write-apart.js';
import { writeCartridge } from './write.js';

const job = workerData as CartridgeJob;
const { bytes } = await writeCartridge(job.modules, job.out, job.opts);
parentPort?.postMessage({ bytes });
