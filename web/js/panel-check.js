// The Check my table and Assignment 4 panels: the student's table (typed, pasted or uploaded)
// and the assignment's requirements, judged by the checker's module (loaded on first use, as
// is render-check.js). Engine calls: the checker's check and assignment.
import { EngineError } from './engine.js';
import { lazy } from './loader.js';

const kMaxAnswerBytes = 1_000_000;
const checkViews = lazy(() => import('./render-check.js'));

/// Wires both panels in `document` to `page` (main.js; `page.checker` loads the checker,
/// `page.panels.report` writes the report after the assignment).
export function createCheckPanel(page, document) {
  const byId = (id) => document.getElementById(id);

  /// Checks the student's table against the network shown (its start values and learning rate).
  async function checkAnswer(text) {
    const box = byId('check-result');
    if (!page.engine || !page.shown) return;
    const button = byId('check-run');
    button.disabled = true;
    const { renderCheck } = await checkViews();
    if (!page.checker.current()) renderCheck(box, { note: 'Loading the checker…' });
    try {
      const { check } = await page.checker.get();
      renderCheck(box, { result: check(page.shown.session, text, byId('check-mode').value) });
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      renderCheck(box, { error: e.message });
    } finally {
      button.disabled = false;
    }
  }

  byId('check-run').addEventListener('click', () => checkAnswer(byId('check-text').value));

  /// Assignment 4's requirements for the network shown (its own learning rate and steps are not
  /// used: the assignment fixes η = 0.1 and 10 steps).
  byId('assignment-run').addEventListener('click', async () => {
    const box = byId('assignment-result');
    if (!page.engine || !page.shown) return;
    const button = byId('assignment-run');
    button.disabled = true;
    const { renderAssignment } = await checkViews();
    if (!page.checker.current()) renderAssignment(box, {});
    try {
      const { assignment, report: reportOf } = await page.checker.get();
      renderAssignment(box, { result: assignment(page.shown.session) });
      page.panels.report.make(reportOf);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      renderAssignment(box, { error: e.message });
    } finally {
      button.disabled = false;
    }
  });

  byId('check-file').addEventListener('change', async () => {
    const input = byId('check-file');
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (file.size > kMaxAnswerBytes) {
      const { renderCheck } = await checkViews();
      renderCheck(byId('check-result'), {
        error: `${file.name}: the file is too large (${file.size} bytes; a table is at most ${kMaxAnswerBytes})`,
      });
      return;
    }
    const text = await file.text();
    byId('check-text').value = text;
    checkAnswer(text);
  });

  return {};
}
