import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { moduleFrontMatterSchema, type CurriculumModule } from './schema.js';

/** A content file that does not validate: names the file, the field and what is expected. */
export class CurriculumError extends Error {
  readonly code = 'CURRICULUM_INVALID';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CurriculumError';
  }
}

const FILE_NAME = /^(\d{2})-([a-z0-9-]+)\.md$/;
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

export function parseModuleFile(file: string, source: string): CurriculumModule {
  const name = path.basename(file);
  const nameMatch = FILE_NAME.exec(name);
  if (!nameMatch) throw new CurriculumError(file, [`file name must look like "01-some-slug.md"`]);
  const fm = FRONT_MATTER.exec(source);
  if (!fm) throw new CurriculumError(file, ['the file must start with a YAML front matter block between "---" lines']);
  let data: unknown;
  try {
    data = parseYaml(fm[1] ?? '');
  } catch (err) {
    throw new CurriculumError(file, [`front matter is not valid YAML: ${(err as Error).message}`]);
  }
  const parsed = moduleFrontMatterSchema.safeParse(data);
  if (!parsed.success) {
    throw new CurriculumError(
      file,
      parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(front matter)'}: ${i.message}`),
    );
  }
  if (parsed.data.slug !== nameMatch[2]) {
    throw new CurriculumError(file, [`slug: "${parsed.data.slug}" must match the file name ("${nameMatch[2]}")`]);
  }
  const body = (fm[2] ?? '').trim();
  if (body.length < 200) throw new CurriculumError(file, ['body: the lesson text after the front matter must hold at least 200 characters']);
  return { ...parsed.data, order: Number(nameMatch[1]), body, file: name };
}

/** Loads and validates every module; checks order, unique slugs and pages, and prerequisites. */
export async function loadCurriculum(dir: string): Promise<CurriculumModule[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.md') && n !== 'README.md').sort();
  const modules = await Promise.all(
    names.map(async (n) => parseModuleFile(n, await readFile(path.join(dir, n), 'utf8'))),
  );
  const problems: string[] = [];
  const seen = new Map<string, CurriculumModule>();
  const pages = new Set<string>();
  modules.forEach((m, i) => {
    if (m.order !== i + 1) problems.push(`${m.file}: order prefix ${m.order} should be ${i + 1} (no gaps, no duplicates)`);
    if (seen.has(m.slug)) problems.push(`${m.file}: slug "${m.slug}" is already used by ${seen.get(m.slug)?.file}`);
    if (pages.has(m.wikiPage)) problems.push(`${m.file}: wikiPage "${m.wikiPage}" is used by another module`);
    for (const p of m.prerequisites) {
      if (!seen.has(p)) problems.push(`${m.file}: prerequisites: "${p}" is not an earlier module`);
    }
    seen.set(m.slug, m);
    pages.add(m.wikiPage);
  });
  if (problems.length) throw new CurriculumError(dir, problems);
  return modules;
}
