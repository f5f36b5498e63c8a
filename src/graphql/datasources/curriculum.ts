import { groups, groupTitles, type CurriculumModule, type Group } from '../../curriculum/schema.js';
import type { ActivityView, CourseView } from './moodle.js';

export interface CurriculumGroupView {
  key: Group;
  title: string;
  modules: CurriculumModule[];
}

export interface ModuleMatch {
  module: CurriculumModule;
  snippet: string;
}

/** The curriculum, loaded and validated once at start-up; read-only per request. */
export class CurriculumDataSource {
  private readonly bySlug: Map<string, CurriculumModule>;

  constructor(
    readonly modules: readonly CurriculumModule[],
    /** Operator's slug -> cmid overrides (MOODLE_ACTIVITY_MAP), winning over the content files. */
    private readonly cmidOverrides: ReadonlyMap<string, number> = new Map(),
  ) {
    this.bySlug = new Map(modules.map((m) => [m.slug, m]));
  }

  /** How a module is found in Moodle: the configured cmid, else the content's idnumber or cmid. */
  moodleMapping(module: CurriculumModule): { idnumber?: string | undefined; cmid?: number | undefined } {
    const cmid = this.cmidOverrides.get(module.slug);
    return cmid !== undefined ? { cmid } : module.moodle;
  }

  /** Embedded mode (no Moodle): each module is one activity, marked done by the learner. */
  embeddedActivity(module: CurriculumModule): ActivityView {
    return {
      id: module.order,
      name: module.title,
      type: 'module',
      url: null,
      idnumber: module.slug,
      tracksCompletion: true,
      manualCompletion: true,
    };
  }

  /** Embedded mode: the course is the curriculum, one section per group. */
  asCourse(): CourseView {
    return {
      id: 0,
      fullName: 'Parcours Pollen : accompagner les associations vers le libre',
      shortName: 'POLLEN',
      summary: 'Parcours servi par le magasin local de Pollen (aucun Moodle configuré).',
      source: 'EMBEDDED',
      url: null,
      sections: this.groups().map((g, i) => ({
        id: i + 1,
        number: i + 1,
        name: g.title,
        activities: g.modules.map((m) => this.embeddedActivity(m)),
      })),
    };
  }

  module(slug: string): CurriculumModule | undefined {
    return this.bySlug.get(slug);
  }

  neighbour(module: CurriculumModule, offset: -1 | 1): CurriculumModule | undefined {
    return this.modules[module.order - 1 + offset];
  }

  groups(): CurriculumGroupView[] {
    return groups
      .map((key) => ({ key, title: groupTitles[key], modules: this.modules.filter((m) => m.group === key) }))
      .filter((g) => g.modules.length > 0);
  }

  group(key: Group): CurriculumGroupView {
    return { key, title: groupTitles[key], modules: this.modules.filter((m) => m.group === key) };
  }

  totalMinutes(): number {
    return this.modules.reduce((sum, m) => sum + m.estimatedMinutes, 0);
  }

  /**
   * Modules whose title, summary, objectives or lesson contain every word of the query,
   * accents and case ignored; title matches first.
   */
  search(text: string, limit: number): ModuleMatch[] {
    const words = fold(text).split(/\s+/).filter((w) => w.length > 1);
    if (words.length === 0) return [];
    const scored: Array<{ match: ModuleMatch; score: number }> = [];
    for (const module of this.modules) {
      const title = fold(module.title);
      const haystack = fold([module.title, module.summary, ...module.objectives, module.body].join('\n'));
      if (!words.every((w) => haystack.includes(w))) continue;
      const score = words.filter((w) => title.includes(w)).length * 10 + words.length;
      scored.push({ match: { module, snippet: snippetAround(module, words) }, score });
    }
    return scored
      .sort((a, b) => b.score - a.score || a.match.module.order - b.match.module.order)
      .slice(0, limit)
      .map((s) => s.match);
  }
}

/** Lowercase without diacritics, so "reseau" finds "réseau". */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

function snippetAround(module: CurriculumModule, words: string[]): string {
  const plain = [module.summary, module.body.replace(/[#*_`>|[\]()]/g, '')].join(' ').replace(/\s+/g, ' ');
  const folded = fold(plain);
  const at = Math.max(0, Math.min(...words.map((w) => folded.indexOf(w)).filter((i) => i >= 0)));
  const start = Math.max(0, at - 60);
  return `${start > 0 ? '…' : ''}${plain.slice(start, at + 140).trim()}…`;
}
