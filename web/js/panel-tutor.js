// The Tutor panel: the tutor works on the step after the last row of the table (the table
// never shows it while the tutor is on). Its cells and every verdict come from the checker's
// module; render-tutor.js is loaded on first use. Engine calls: the checker's tutorStep and
// tutorCheck.
import { EngineError } from './engine.js';
import * as model from './state.js';
import * as tutorModel from './tutor.js';
import { lazy } from './loader.js';

const tutorViews = lazy(() => import('./render-tutor.js'));

/// Wires the panel in `document` to `page` (main.js; `page.checker` loads the checker,
/// `page.deps.localStorage` keeps the progress). Returns on (the student turned it on), sync
/// (brings it to the table shown), draw, and restoreSaved (the progress kept at the last visit).
export function createTutorPanel(page, document) {
  const box = document.getElementById('tutor');
  const toggle = document.getElementById('tutor-toggle');
  const storage = page.deps.localStorage;
  // on: the student turned it on; t: the tutor (tutor.js) for `t.key`; phase/error: what the
  // panel shows; saved: progress read at load, put back when its step comes up again.
  let tutor = { on: false, t: null, phase: 'off', error: null, saved: null };
  let request = 0;
  // Set when the student starts the tutor: the first answer box takes the focus once it is drawn
  // (else the next Enter would press "Stop the tutor", still focused).
  let focusFirstBox = false;

  const session = () => ({ ...page.shown.session, steps: page.shown.table.rows.length + 1 });

  async function draw() {
    toggle.textContent = tutor.on ? 'Stop the tutor' : 'Start the tutor';
    toggle.setAttribute('aria-pressed', String(tutor.on));
    toggle.disabled = !page.engine || !page.shown;
    tutorModel.saveTutor(storage, tutorModel.progressOf(tutor.on, tutor.t));
    if (!tutor.on && box.childElementCount === 0) return;  // nothing drawn, nothing to draw
    const { renderTutor } = await tutorViews();
    renderTutor(box, {
      phase: tutor.on ? tutor.phase : 'off', error: tutor.error, tutor: tutor.t,
      learningRate: page.shown?.session.optimizer.learning_rate,
    }, handlers);
    if (focusFirstBox && tutor.on && tutor.phase === 'on') {
      focusFirstBox = false;
      (box.querySelector('#tutor-input') ?? box.querySelector('#tutor-add'))?.focus();
    } else if (!tutor.on || tutor.phase === 'error') {
      focusFirstBox = false;
    }
  }

  /// Brings the tutor to the step after the table's last row of the network shown: the same
  /// step keeps its progress; another one starts fresh (or from the progress kept for it).
  async function sync() {
    if (!tutor.on || !page.shown) return;
    const s = session();
    const step = s.steps;
    const key = tutorModel.tutorKey(s, step);
    if (tutor.t?.key === key && tutor.t.decimals === page.state.precision && tutor.phase === 'on') return;
    const mine = ++request;
    if (!page.checker.current() || tutor.t?.key !== key) tutor = { ...tutor, phase: 'loading' };
    draw();
    try {
      const { tutorStep } = await page.checker.get();
      if (mine !== request) return;
      const result = tutorStep(s, step, page.state.precision);
      let t;
      if (tutor.t?.key === key) {
        t = tutorModel.withCells(tutor.t, result);
      } else {
        t = tutorModel.restoreProgress(tutorModel.newTutor(key, result), tutor.saved);
        tutor.saved = null;
      }
      tutor = { ...tutor, t, phase: 'on', error: null };
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      if (mine !== request) return;
      tutor = { ...tutor, t: null, phase: 'error', error: e.message };
    }
    draw();
  }

  const handlers = {
    onCheck(text) {
      const t = tutor.t;
      const cell = t && tutorModel.currentCell(t);
      const checker = page.checker.current();
      if (!cell || !checker) return;
      checker.then(({ tutorCheck }) => {
        if (tutor.t !== t) return;
        let result;
        try {
          result = tutorCheck(session(), t.step, cell.column, cell.row, text, t.decimals);
        } catch (e) {
          if (!(e instanceof EngineError)) throw e;
          // Not a number: said at the box; the try is not counted.
          result = { verdict: 'unreadable', why: e.message };
          tutor = { ...tutor, t: { ...t, feedback: { column: cell.column, typed: text, ...result } } };
          draw();
          return;
        }
        tutor = { ...tutor, t: tutorModel.afterCheck(t, text.trim(), result) };
        draw();
      });
    },
    onReveal() {
      if (!tutor.t) return;
      tutor = { ...tutor, t: tutorModel.afterReveal(tutor.t) };
      draw();
    },
    onAdd() {
      if (!tutor.t || !tutorModel.isComplete(tutor.t)) return;
      page.update(page.model.step(page.state));
    },
  };

  toggle.addEventListener('click', () => {
    tutor = tutor.on ? { ...tutor, on: false, t: null, phase: 'off' } : { ...tutor, on: true };
    focusFirstBox = tutor.on;
    if (!tutor.on) tutorModel.saveTutor(storage, { on: false });
    page.update(page.state);  // the Step buttons and the rates panel follow the tutor
    draw();
  });

  return {
    on: () => tutor.on,
    sync,
    draw,
    restoreSaved() {
      const saved = tutorModel.loadTutor(storage);
      if (saved?.on === true) tutor = { ...tutor, on: true, saved };
    },
  };
}
