// The Save and share panel, and where the page starts: the session file (export, import), the
// share link, the autosave in this browser and restoring from a link or the autosave.
// `location`, `history` and `localStorage` come in through `page.deps`. Engine calls: run
// (validating a session with the page's limits).
import { EngineError } from './engine.js';
import * as model from './state.js';
import { copyText, downloadText } from './download.js';
import {
  clearAutosave, loadAutosave, readShareHash, saveAutosave, shareHash,
} from './persist.js';

const kMaxImportBytes = 2_000_000;

/// The session shown, as exported, shared and saved: `steps` = the rows of its table.
export function exportedSession(shown) {
  return { ...shown.session, steps: shown.table.rows.length };
}

// ---- Engine calls ----

/// The normalised `session` (any JSON value) once the engine accepts it with the page's limits.
function checkedSession(engine, session) {
  return engine.run(session, { trace_step: 'none', columns: ['loss'], limits: 'page' }).session;
}

// ---- The panel ----

/// Wires the panel in `document` to `page` (main.js). Returns autosave and restore (where
/// the page starts: a share link, else the autosave, else the lecture example).
export function createSharePanel(page, document) {
  const byId = (id) => document.getElementById(id);
  const { location, history, localStorage } = page.deps;
  const view = {
    status: byId('session-status'), shareField: document.querySelector('.share-field'),
    shareLink: byId('share-link'), importInput: byId('session-import'),
  };
  const { panels } = page;

  /// Validates `session` (any JSON value) with the engine and the page's limits, then shows it.
  /// Returns the error message, or null when it was loaded.
  function loadSession(session) {
    try {
      const checked = checkedSession(page.engine, session);
      panels.rates.forget();
      page.update(page.model.stateFromSession(page.state, checked));
      return null;
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      return e.message;
    }
  }

  function autosave() {
    const { shown, state } = page;
    if (!shown) return;
    saveAutosave(localStorage, {
      session: exportedSession(shown), precision: state.precision, columns: state.columns,
      optimizerColumns: state.optimizerColumns,
      selectedStep: state.selectedStep, ratesText: panels.rates.text(), reportDescription: panels.report.description(),
    });
  }

  /// Where the page starts: a share link, else the autosave, else the lecture example.
  function restore() {
    const shared = readShareHash(location.hash);
    if (shared) {
      history.replaceState(null, '', `${location.pathname}${location.search}`);
      panels.report.restoreDescription(loadAutosave(localStorage)?.saved);  // a link holds no description
      const error = shared.error ?? loadSession(shared.session);
      view.status.textContent = error
        ? `This link could not be loaded: ${error}. The lecture example is shown instead.`
        : 'Loaded the session from the link.';
      if (!error) return;
      page.update(model.initialState());
      return;
    }
    const saved = loadAutosave(localStorage);
    if (saved?.saved) {
      const { session, precision, columns, selectedStep, ratesText, optimizerColumns } = saved.saved;
      panels.report.restoreDescription(saved.saved);
      if (typeof ratesText === 'string') panels.rates.setText(ratesText);
      if (Number.isInteger(precision) && precision >= 0 && precision <= model.kMaxPrecision) {
        page.state = { ...page.state, precision };
        panels.table.showSaved({ precision });
      }
      if (Array.isArray(columns) && columns.every((k) => model.kColumnKinds.includes(k))) {
        page.state = { ...page.state, columns };
        panels.table.showSaved({ columns });
      }
      if (Array.isArray(optimizerColumns) && optimizerColumns.every((k) => model.kOptimizerColumnKinds.includes(k))) {
        page.state = { ...page.state, optimizerColumns };
      }
      const error = loadSession(session);
      if (!error) {
        if (Number.isInteger(selectedStep)) page.update(model.selectStep(page.state, selectedStep));
        return;
      }
      clearAutosave(localStorage);
      view.status.textContent = `The session saved in this browser could not be loaded (${error}); the lecture example is shown instead.`;
    } else if (saved?.error) {
      view.status.textContent = `${saved.error[0].toUpperCase()}${saved.error.slice(1)}; the lecture example is shown instead.`;
    }
    page.update(page.state);
  }

  byId('session-export').addEventListener('click', () => {
    if (!page.shown) return;
    downloadText('nntutor-session.json', `${JSON.stringify(exportedSession(page.shown), null, 2)}\n`, 'application/json');
    view.status.textContent = 'Saved nntutor-session.json.';
  });

  view.importInput.addEventListener('change', async () => {
    const file = view.importInput.files?.[0];
    view.importInput.value = '';
    if (!file || !page.engine) return;
    let message;
    if (file.size > kMaxImportBytes) {
      message = `${file.name}: the file is too large (${file.size} bytes; a session is at most ${kMaxImportBytes})`;
    } else {
      let session;
      try {
        session = JSON.parse(await file.text());
      } catch {
        message = `${file.name}: not a session: the file is not JSON`;
      }
      if (!message) {
        const error = loadSession(session);
        message = error ? `${file.name}: not loaded: ${error}` : `Loaded ${file.name}.`;
      }
    }
    view.status.textContent = message;
  });

  byId('share-copy').addEventListener('click', async () => {
    if (!page.shown) return;
    const url = `${location.origin}${location.pathname}${shareHash(exportedSession(page.shown))}`;
    view.shareField.hidden = false;
    view.shareLink.value = url;
    const ok = await copyText(url);
    view.status.textContent = ok
      ? 'Copied the share link: it holds this whole session.'
      : 'Copy the share link from the box above.';
    if (!ok) view.shareLink.select();
  });

  return { autosave, restore };
}
