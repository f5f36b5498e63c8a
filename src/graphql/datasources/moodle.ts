import DataLoader from 'dataloader';
import { fromUpstream, type UpstreamObserver } from '../errors.js';

/** A course as the gateway shows it, whether it comes from Moodle or the embedded store. */
export interface CourseView {
  id: number;
  fullName: string;
  shortName: string;
  summary: string;
  source: 'MOODLE' | 'EMBEDDED';
  url: string | null;
  sections: CourseSectionView[];
}

export interface CourseSectionView {
  id: number;
  number: number;
  name: string;
  activities: ActivityView[];
}

export interface ActivityView {
  id: number;
  name: string;
  type: string;
  url: string | null;
  idnumber: string | null;
  tracksCompletion: boolean;
  manualCompletion: boolean;
}

/** The Moodle operations the gateway needs; `MoodleClient` from src/moodle provides them. */
export interface MoodleApi {
  getCourse(courseId: number): Promise<{ id: number; fullname: string; shortname: string; summary: string } | undefined>;
  getCourseContents(courseId: number): Promise<
    Array<{
      id: number;
      section: number;
      name: string;
      modules: Array<{ id: number; name: string; modname: string; url?: string | undefined; completion?: number | undefined }>;
    }>
  >;
  getActivityIdnumbers(courseId: number): Promise<Map<string, number>>;
  getSiteInfo(): Promise<{ release: string; sitename: string }>;
}

/** Moodle completion modes: 0 none, 1 manual, 2 automatic. */
const COMPLETION_MANUAL = 1;

/**
 * Moodle seen from one request: course and contents are fetched once however many fields
 * need them; activity idnumbers (which core_course_get_contents never returns) are resolved
 * once per request too.
 */
export class MoodleDataSource {
  private coursePromise: Promise<CourseView | null> | undefined;
  private idnumbersPromise: Promise<Map<string, number>> | undefined;
  private readonly activityByCmid: DataLoader<number, ActivityView | null>;
  /** MOODLE_URL and MOODLE_COURSE_ID: errors caused by them name them. */
  readonly #settings: { url: string; courseId: number };

  constructor(
    private readonly api: MoodleApi,
    readonly courseId: number,
    private readonly siteUrl: string,
    private readonly observe?: UpstreamObserver,
  ) {
    this.#settings = { url: siteUrl, courseId };
    this.activityByCmid = new DataLoader(async (cmids) => {
      const course = await this.course();
      const all = new Map(course?.sections.flatMap((s) => s.activities.map((a) => [a.id, a] as const)) ?? []);
      return cmids.map((id) => all.get(id) ?? null);
    });
  }

  course(): Promise<CourseView | null> {
    this.coursePromise ??= fromUpstream('moodle', async () => {
      const [course, contents, idnumbers] = await Promise.all([
        this.api.getCourse(this.courseId),
        this.api.getCourseContents(this.courseId),
        this.idnumbers(),
      ]);
      if (!course) return null;
      const idnumberOf = new Map([...idnumbers].map(([idnumber, cmid]) => [cmid, idnumber]));
      return {
        id: course.id,
        fullName: course.fullname,
        shortName: course.shortname,
        summary: stripHtml(course.summary),
        source: 'MOODLE' as const,
        url: `${this.siteUrl}/course/view.php?id=${course.id}`,
        sections: contents.map((s) => ({
          id: s.id,
          number: s.section,
          name: s.name,
          activities: s.modules.map((m) => ({
            id: m.id,
            name: m.name,
            type: m.modname,
            url: m.url ?? null,
            idnumber: idnumberOf.get(m.id) ?? null,
            tracksCompletion: (m.completion ?? 0) > 0,
            manualCompletion: m.completion === COMPLETION_MANUAL,
          })),
        })),
      };
    }, this.observe, this.#settings);
    return this.coursePromise;
  }

  idnumbers(): Promise<Map<string, number>> {
    this.idnumbersPromise ??= fromUpstream('moodle', () => this.api.getActivityIdnumbers(this.courseId), this.observe, this.#settings);
    return this.idnumbersPromise;
  }

  /** The activity a curriculum module maps to, by configured cmid or by idnumber. */
  async activityFor(mapping: { idnumber?: string | undefined; cmid?: number | undefined }): Promise<ActivityView | null> {
    let cmid = mapping.cmid;
    if (cmid === undefined && mapping.idnumber !== undefined) cmid = (await this.idnumbers()).get(mapping.idnumber);
    if (cmid === undefined) return null;
    return this.activityByCmid.load(cmid);
  }
}

export function stripHtml(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}
