/** The learner space's pages, mounted by src/server.ts: sign-in and sign-up, the parcours, « Mon parcours ». */
import express, { type Router } from 'express';
import type { Web } from '../web/web.js';
import { createAccountRouter } from './account-routes.js';
import { createMineRouter } from './mine-routes.js';
import { createParcoursRouter, type ParcoursDeps } from './parcours-routes.js';
import type { LearnerSpace } from './service.js';

export function createLearnerRouter(space: LearnerSpace, deps: ParcoursDeps, web: Web): Router {
  const router = express.Router();
  router.use(createAccountRouter(space, web), createParcoursRouter(space, deps, web), createMineRouter(space, web));
  return router;
}
