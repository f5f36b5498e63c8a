import type { Migration } from '../store/migrations.js';
import { keyMigrations } from './keys.js';
import { loginLimitMigrations } from './login-limits.js';
import { sessionMigrations } from './sessions.js';

/** Every table of sign-in, in order. */
export const authMigrations: Migration[] = [...sessionMigrations, ...loginLimitMigrations, ...keyMigrations];
