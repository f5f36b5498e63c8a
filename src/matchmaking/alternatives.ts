/**
 * The free alternatives catalogue (`content/alternatives.yaml`): content as data, loaded and
 * checked once at start like the curriculum. A module or a directory service it names that does
 * not exist stops the start with the need and the name at fault.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import type { CurriculumModule } from '../curriculum/schema.js';
import { SERVICES } from '../directory/model.js';

const text = z.string().trim().min(1);

const needSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
  label: text,
  question: text,
  proprietary: z.array(text).min(1),
  alternatives: z.array(z.strictObject({ name: text, software: text, hosted: z.boolean(), what: text })).min(1),
  services: z.array(z.enum(Object.keys(SERVICES) as [keyof typeof SERVICES, ...Array<keyof typeof SERVICES>])).min(1),
  modules: z.array(text).default([]),
});

const catalogueSchema = z.strictObject({ needs: z.array(needSchema).min(1) });

export type Need = z.infer<typeof needSchema>;

export class AlternativesError extends Error {
  override readonly name = 'AlternativesError';
}

/** Where the catalogue is: `content/alternatives.yaml` at the project's root (from src/ or dist/src/). */
export function defaultAlternativesPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'content', 'alternatives.yaml');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.resolve('content', 'alternatives.yaml');
}

/** Reads and checks the catalogue against the parcours' modules. */
export async function loadAlternatives(modules: readonly CurriculumModule[], file = defaultAlternativesPath()): Promise<Need[]> {
  let raw: unknown;
  try {
    raw = YAML.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new AlternativesError(`${file}: unreadable (${(err as Error).message})`);
  }
  const parsed = catalogueSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AlternativesError(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const slugs = new Set(modules.map((m) => m.slug));
  const ids = new Set<string>();
  for (const need of parsed.data.needs) {
    if (ids.has(need.id)) throw new AlternativesError(`${file}: need "${need.id}" appears twice`);
    ids.add(need.id);
    const unknown = need.modules.find((slug) => !slugs.has(slug));
    if (unknown) throw new AlternativesError(`${file}: need "${need.id}" names module "${unknown}", which is not in the parcours`);
  }
  return parsed.data.needs;
}
