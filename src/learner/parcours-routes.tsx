/**
 * /parcours: the sections, modules and time of the parcours, with what the signed-in learner has
 * done; /parcours/<slug>: a module from its content file (the same source as its wiki page), its
 * quiz as a form scored on the server (post/redirect/get to the attempt), or « J'ai terminé ce
 * module » when it has no questions, its upcoming workshops, the previous and next modules.
 */
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { AgendaService } from '../agenda/service.js';
import { renderMarkdown, formatMinutes, activityTypeLabels } from '../curriculum/html.js';
import { groups, groupTitles, type CurriculumModule, type QuizQuestion } from '../curriculum/schema.js';
import type { LearnerProgress, ModuleProgress } from '../progress/model.js';
import { ChoiceGroup, formState, PostForm, type FormState } from '../web/forms.js';
import { frenchDate, frenchDateTime } from '../web/format.js';
import type { PageContext } from '../web/shell.js';
import type { Web } from '../web/web.js';
import { learnerOrSignIn } from './guards.js';
import { isRight, passPercentOf, questionField, ticked } from './quiz.js';
import type { LearnerSpace, MoodleLink } from './service.js';
import type { QuizAttempt } from './store.js';
import { LEARNER_STYLESHEET } from './styles.js';

export interface ParcoursDeps {
  agenda?: AgendaService | undefined;
  /** The module's wiki page address. */
  wikiPageUrl: (title: string) => string;
}

const CSS = [LEARNER_STYLESHEET];
const MOODLE_COMPLETES = 'Avec Moodle, les modules se terminent sur Moodle : rien n’a été enregistré ici. Suivez le lien vers Moodle.';
const UPCOMING = 5;

function stateOf(progress: LearnerProgress | undefined, slug: string): ModuleProgress | undefined {
  return progress?.modules.find((m) => m.slug === slug);
}

/** Rendered once per module: the content files are read at start and never change while running. */
const lessons = new WeakMap<CurriculumModule, string>();
function lessonHtml(module: CurriculumModule): string {
  let html = lessons.get(module);
  if (html === undefined) lessons.set(module, (html = renderMarkdown(module.body)));
  return html;
}

function QuizForm(props: { module: CurriculumModule; context: PageContext; state: FormState }) {
  const { module, state } = props;
  const order = module.quiz.map((_, i) => questionField(i));
  return (
    <PostForm action={`/parcours/${module.slug}/quiz`} token={props.context.formToken} label={`Quiz du module ${module.title}`}>
      <input type="hidden" name="envoi" value={randomBytes(18).toString('base64url')} />
      {module.quiz.map((q, i) => (
        <ChoiceGroup
          name={questionField(i)} label={`Question ${i + 1} : ${q.question}`} state={state} required order={order} multiple={q.multiple}
          hint={q.multiple ? 'Plusieurs réponses sont justes : cochez-les toutes, et seulement elles.' : undefined}
          choices={q.choices.map((c, j) => ({ value: String(j), label: c }))}
        />
      ))}
      <p><button type="submit" class="primary">Valider mes réponses</button></p>
    </PostForm>
  );
}

/** A choice quoted inside a sentence: without its own final full stop (« … seule.. » otherwise). */
function withoutFinalStop(text: string): string {
  return text.replace(/\s*\.$/, '');
}

/**
 * A multiple-choice question's feedback: each ticked box, right or not to tick; the right boxes
 * left unticked are counted (named once the quiz is passed, as the explanations are).
 */
function MultipleFeedback(props: { question: QuizQuestion; chosen: number[]; right: boolean; reveal: boolean }) {
  const { question, chosen, right } = props;
  const missed = question.answers.filter((a) => !chosen.includes(a));
  return (
    <>
      <p>{chosen.length === 0 ? 'Vous n’avez coché aucune case.' : 'Les cases que vous avez cochées :'}</p>
      {chosen.length > 0 ? (
        <ul class="ticked">
          {chosen.map((c) => {
            const ok = question.answers.includes(c);
            return <li>{`${withoutFinalStop(question.choices[c] ?? '?')} : `}<span class={ok ? 'result-right' : 'result-wrong'}>{ok ? 'juste.' : 'à ne pas cocher.'}</span></li>;
          })}
        </ul>
      ) : null}
      {right ? <p><span class="result-right">Juste : toutes les bonnes réponses, et seulement elles.</span></p>
        : missed.length === 0 ? null
        : props.reveal ? <p><span class="result-wrong">{`Il fallait aussi cocher : ${missed.map((m) => `« ${withoutFinalStop(question.choices[m] ?? '')} »`).join(', ')}.`}</span></p>
        : <p><span class="result-wrong">{missed.length > 1 ? `Il manque ${missed.length} bonnes réponses à cocher.` : 'Il manque une bonne réponse à cocher.'}</span></p>}
    </>
  );
}

/** In the parcours' list, with Moodle: the module's quiz or activity there (the course is linked once, above). */
function ListedMoodleLink(props: { link: MoodleLink | undefined; order: number }) {
  const { link } = props;
  if (!link || link.kind === 'course') return null;
  return <>{' · '}<a href={link.url} data-moodle-cmid={link.cmid}>{link.kind === 'quiz' ? `Quiz du module ${props.order} sur Moodle` : `Activité du module ${props.order} sur Moodle`}</a></>;
}

/** With Moodle: where the module is done there (its quiz, else its activity, else the course), saying which. */
function MoodlePlace(props: { link: MoodleLink; module: CurriculumModule }) {
  const { link, module } = props;
  const progress = 'Votre avancement vient de Moodle : il apparaît ici après la synchronisation.';
  if (link.kind === 'quiz') {
    return <p><a class="button" href={link.url} data-moodle-cmid={link.cmid}>Répondre au quiz sur Moodle</a>{` ${progress}`}</p>;
  }
  if (link.kind === 'activity') {
    return (
      <>
        <p>{module.quiz.length > 0 ? 'Aucun quiz de ce module n’est connu dans le cours Moodle : ouvrez son activité pour le terminer.' : 'Ce module se termine sur Moodle, dans son activité.'}</p>
        <p><a class="button" href={link.url} data-moodle-cmid={link.cmid}>{`Ouvrir l’activité « ${link.name} » sur Moodle`}</a>{` ${progress}`}</p>
      </>
    );
  }
  return (
    <>
      <p>Aucune activité de ce module n’est connue dans le cours Moodle pour le moment : retrouvez-le dans le cours.</p>
      <p><a class="button" href={link.url}>Ouvrir le cours sur Moodle</a>{` ${progress}`}</p>
    </>
  );
}

export function createParcoursRouter(space: LearnerSpace, deps: ParcoursDeps, web: Web): Router {
  const router = express.Router();
  const modules = space.curriculum;

  const progressFor = async (context: PageContext): Promise<LearnerProgress | undefined> =>
    context.viewer.role === 'learner' && context.viewer.learnerId ? space.progressOf(context.viewer.learnerId).catch(() => undefined) : undefined;

  router.get('/parcours', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const [progress, moodleLinks] = await Promise.all([progressFor(context), space.moodleLinks()]);
      const total = modules.reduce((sum, m) => sum + m.estimatedMinutes, 0);
      web.send(res, 200, {
        title: 'Le parcours de formation', section: 'parcours', context, stylesheets: CSS,
        lead: `${modules.length} modules, environ ${formatMinutes(total)} en tout, à suivre à votre rythme.`,
        children: (
          <>
            {space.moodleCourseUrl ? <p>{'Les quiz et l’avancement sont ceux de Moodle : chaque module renvoie vers son activité dans le cours Moodle. '}<a href={space.moodleCourseUrl}>Ouvrir le cours sur Moodle</a></p> : null}
            {progress ? <p>{`Vous avez terminé ${progress.doneCount} module${progress.doneCount > 1 ? 's' : ''} sur ${progress.moduleCount} (${progress.percent} %). `}<a href="/mon-parcours">Mon parcours</a></p>
              : context.viewer.role === 'anonymous' ? <p><a href="/connexion">Connectez-vous</a> ou <a href="/inscription">créez un compte</a> pour garder votre avancement et répondre aux quiz.</p> : null}
            {groups.map((group) => {
              const inGroup = modules.filter((m) => m.group === group);
              if (inGroup.length === 0) return null;
              const minutes = inGroup.reduce((sum, m) => sum + m.estimatedMinutes, 0);
              return (
                <section class="card" aria-labelledby={`section-${group}`}>
                  <h2 id={`section-${group}`}>{groupTitles[group]}</h2>
                  <p class="meta">{`${inGroup.length} modules, environ ${formatMinutes(minutes)}`}</p>
                  <ol class="module-list">
                    {inGroup.map((m) => {
                      const state = stateOf(progress, m.slug);
                      return (
                        <li>
                          <a href={`/parcours/${m.slug}`}>{`${m.order}. ${m.title}`}</a>
                          {` — ${formatMinutes(m.estimatedMinutes)}`}
                          <ListedMoodleLink link={moodleLinks.get(m.slug)} order={m.order} />
                          {state ? (state.state === 'done'
                            ? <span class="state done">{` · terminé${state.completedAt ? ` le ${frenchDate(state.completedAt)}` : ''}`}</span>
                            : <span class="state todo"> · à faire</span>) : null}
                          <p class="meta">{m.summary}</p>
                        </li>
                      );
                    })}
                  </ol>
                </section>
              );
            })}
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  router.get('/parcours/:slug', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const module = space.module(String(req.params.slug));
      if (!module) return web.notFound(res, context, 'Ce module n’existe pas dans le parcours. Retrouvez tous les modules sur la page du parcours.');
      const index = modules.indexOf(module);
      const [progress, sessions] = await Promise.all([
        progressFor(context),
        deps.agenda?.list({ from: new Date().toISOString(), moduleSlug: module.slug, includePrivate: false, limit: UPCOMING }).then((r) => r.sessions, () => null),
      ]);
      const state = stateOf(progress, module.slug);
      const learner = context.viewer.role === 'learner';
      const attempts = learner && context.viewer.learnerId ? (await space.rows.attempts(context.viewer.learnerId)).filter((a) => a.slug === module.slug) : [];
      const quizState = formState('quiz', context.refused);
      const previous = modules[index - 1];
      const following = modules[index + 1];
      const moodle = await space.moodleLink(module);
      web.send(res, 200, {
        title: module.title, section: 'parcours', context, stylesheets: CSS,
        lead: module.summary,
        children: (
          <>
            <p class="meta">{`Module ${module.order} sur ${modules.length} · ${groupTitles[module.group]} · environ ${formatMinutes(module.estimatedMinutes)}`}</p>
            {state?.state === 'done' ? <p class="ok">{`Vous avez terminé ce module${state.completedAt ? ` le ${frenchDate(state.completedAt)}` : ''}.`}</p> : null}
            <section class="card" aria-labelledby="titre-objectifs">
              <h2 id="titre-objectifs">Objectifs</h2>
              <ul>{module.objectives.map((o) => <li>{o}</li>)}</ul>
            </section>
            {/* Trusted HTML: rendered from the repository's own versioned content file (course-modules/), never from visitors' input. */}
            <div class="lesson" dangerouslySetInnerHTML={{ __html: lessonHtml(module) }} />
            <section class="card" aria-labelledby="titre-activites">
              <h2 id="titre-activites">Activités</h2>
              <ul>
                {module.activities.map((a) => (
                  <li><strong>{`${activityTypeLabels[a.type]} : ${a.title}`}</strong>{a.estimatedMinutes ? ` (${formatMinutes(a.estimatedMinutes)})` : ''}<br />{a.instructions}</li>
                ))}
              </ul>
              <p><a href={deps.wikiPageUrl(module.wikiPage)}>{`La page du module sur le wiki : ${module.wikiPage}`}</a></p>
            </section>
            <section class="card" aria-labelledby="quiz">
              <h2 id="quiz">{module.quiz.length > 0 ? 'Quiz' : 'Terminer le module'}</h2>
              {moodle ? <MoodlePlace link={moodle} module={module} /> : !learner ? (
                <p><a href={`/connexion?suite=${encodeURIComponent(`/parcours/${module.slug}`)}`}>Connectez-vous</a> pour {module.quiz.length > 0 ? 'répondre au quiz' : 'marquer ce module comme terminé'} et garder votre avancement.</p>
              ) : module.quiz.length === 0 ? (
                state?.state === 'done' ? <p>Ce module est terminé.</p> : (
                  <PostForm action={`/parcours/${module.slug}/termine`} token={context.formToken} label="Terminer le module">
                    <p>Ce module n’a pas de quiz : quand vous avez lu la leçon et fait les activités, indiquez-le.</p>
                    <p><button type="submit" class="primary">J’ai terminé ce module</button></p>
                  </PostForm>
                )
              ) : (
                <>
                  <p>{`${module.quiz.length} questions ; le quiz est réussi avec au moins ${passPercentOf(module)} % de bonnes réponses${state?.state === 'done' ? '' : ', et il termine alors le module'}. Vous pouvez le refaire autant de fois que vous voulez.`}</p>
                  {attempts.length > 0 ? <p>{`Votre dernière tentative : ${attempts.at(-1)!.score} sur ${attempts.at(-1)!.total}, ${attempts.at(-1)!.passed ? 'réussie' : 'pas encore réussie'}. `}<a href={`/parcours/${module.slug}/tentatives/${attempts.at(-1)!.id}`}>Voir le détail</a></p> : null}
                  <QuizForm module={module} context={context} state={quizState} />
                </>
              )}
            </section>
            <section class="card" aria-labelledby="titre-ateliers">
              <h2 id="titre-ateliers">Prochains ateliers sur ce module</h2>
              {sessions === null ? <p class="notice">L’agenda est momentanément indisponible.</p>
                : !sessions || sessions.length === 0 ? <p class="empty">Aucun atelier n’est prévu sur ce module pour le moment. <a href="/agenda">Voir tout l’agenda</a></p>
                : <ul>{sessions.map((s) => <li><a href={`/agenda/sessions/${s.id}`}>{s.title}</a>{` — ${frenchDateTime(s.startsAt)}${s.status === 'cancelled' ? ' (annulé)' : ''}`}</li>)}</ul>}
            </section>
            <nav class="pager" aria-label="Modules précédent et suivant">
              {previous ? <a href={`/parcours/${previous.slug}`} rel="prev">{`Module précédent : ${previous.title}`}</a> : <span />}
              {following ? <a href={`/parcours/${following.slug}`} rel="next">{`Module suivant : ${following.title}`}</a> : <a href="/parcours">Retour au parcours</a>}
            </nav>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  /**
   * What a learner's action on a module starts with: the form checked, the module found, the
   * learner signed in, progress kept here (Moodle completes its own modules). Undefined once a
   * refusal, a sign-in or a redirection has answered.
   */
  const moduleAction = async (req: Request, res: Response): Promise<{ module: CurriculumModule; learnerId: string } | undefined> => {
    if (!web.checkPost(req, res)) return undefined;
    const module = space.module(String(req.params.slug));
    const context = await web.context(req, res);
    if (!module) {
      web.notFound(res, context, 'Ce module n’existe pas dans le parcours.');
      return undefined;
    }
    const learnerId = learnerOrSignIn(req, res, web, context);
    if (!learnerId) return undefined;
    if (space.mode === 'moodle') {
      web.redirect(req, res, `/parcours/${module.slug}#quiz`, { notice: MOODLE_COMPLETES });
      return undefined;
    }
    return { module, learnerId };
  };

  router.post('/parcours/:slug/quiz', web.ready, web.body, async (req, res, next) => {
    try {
      const action = await moduleAction(req, res);
      if (!action) return;
      const { module, learnerId } = action;
      const fields = web.fields(req);
      const outcome = await space.submitQuiz(learnerId, module, fields);
      if (outcome.kind === 'refused') {
        const values = Object.fromEntries(module.quiz.map((_, i) => [questionField(i), fields[questionField(i)] ?? '']));
        return web.refuse(req, res, `/parcours/${module.slug}#quiz`, { form: 'quiz', values, errors: outcome.errors });
      }
      const { attempt } = outcome;
      // A failed attempt's page says so itself, as a warning: the green notice is for success only.
      web.redirect(req, res, `/parcours/${module.slug}/tentatives/${attempt.id}`, attempt.passed ? { notice: 'Quiz réussi : le module est terminé.' } : {});
    } catch (err) {
      next(err);
    }
  });

  router.post('/parcours/:slug/termine', web.ready, web.body, async (req, res, next) => {
    try {
      const action = await moduleAction(req, res);
      if (!action) return;
      const { module, learnerId } = action;
      // Modules with a quiz are completed by passing it.
      if (module.quiz.length > 0) return web.redirect(req, res, `/parcours/${module.slug}#quiz`, { notice: 'Ce module se termine en réussissant son quiz.' });
      await space.complete(learnerId, module.slug);
      web.redirect(req, res, `/parcours/${module.slug}`, { notice: 'Module terminé : bravo !' });
    } catch (err) {
      next(err);
    }
  });

  router.get('/parcours/:slug/tentatives/:id', web.ready, async (req, res, next) => {
    try {
      const context = await web.context(req, res);
      const module = space.module(String(req.params.slug));
      const learnerId = learnerOrSignIn(req, res, web, context);
      if (!learnerId) return;
      const id = /^\d{1,12}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN;
      const attempt: QuizAttempt | undefined = module && Number.isFinite(id) ? await space.rows.attempt(learnerId, id) : undefined;
      if (!module || !attempt || attempt.slug !== module.slug) return web.notFound(res, context, 'Cette tentative n’existe pas (ou n’est pas la vôtre).');
      web.send(res, 200, {
        title: `Quiz : ${module.title}`, section: 'parcours', context, stylesheets: CSS,
        children: (
          <>
            <p class={attempt.passed ? 'ok' : 'notice'}>
              {`${attempt.score} bonne${attempt.score > 1 ? 's' : ''} réponse${attempt.score > 1 ? 's' : ''} sur ${attempt.total} : ${attempt.passed ? 'quiz réussi' : `il en faut au moins ${passPercentOf(module)} % pour réussir`}. Tentative du ${frenchDateTime(attempt.createdAt)}.`}
            </p>
            <ol class="questions">
              {module.quiz.map((q, i) => {
                const chosen = ticked(attempt.answers[i]);
                const right = isRight(q, attempt.answers[i]);
                return (
                  <li>
                    <p><strong>{q.question}</strong></p>
                    {q.multiple ? <MultipleFeedback question={q} chosen={chosen} right={right} reveal={attempt.passed} />
                      : <p>{`Votre réponse : ${chosen.length === 0 ? 'aucune' : withoutFinalStop(q.choices[chosen[0]!] ?? 'aucune')}. `}<span class={right ? 'result-right' : 'result-wrong'}>{right ? 'Juste.' : 'Ce n’est pas la bonne réponse.'}</span></p>}
                    {right || attempt.passed ? <p>{`Explication : ${q.explanation}`}</p> : <p>{`Indice : ${q.explanation}`}</p>}
                  </li>
                );
              })}
            </ol>
            <p>
              {attempt.passed ? <a href={`/parcours/${module.slug}`}>Retour au module</a> : <a class="button" href={`/parcours/${module.slug}#quiz`}>Réessayer le quiz</a>}
              {' · '}<a href="/mon-parcours">Mon parcours</a>
            </p>
          </>
        ),
      });
    } catch (err) {
      next(err);
    }
  });

  return router;
}
