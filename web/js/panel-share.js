// The Save and share panel, and where the page starts: the session file (export, import), the
// share link, the autosave in this browser and restoring from a link or the autosave.
// `location`, `history` and `localStorage` come in through `page.deps`. Engine calls: run
// (validating a session with the page's limits).
import { EngineError } from './engine.js';
import * as model from './state.js';
import { copyText, downloadText } from './download.js';
import { createNotice } from './notice.js';
import {
  clearAutosave, clearKept, keepSession, loadAutosave, loadKept, readShareHash, sameSession,
  saveAutosave, shareHash,
} from './persist.js';

const kMaxImportBytes = 2_000_000;

/// The session shown, as exported, shared and saved: `steps` = the rows of its table.
export function exportedSession(shown) {
  return { ...shown.session, steps: shown.table.rows.length };
}

// ---- Engine calls ----

/// The normalised `session` (any JSON value) once the engine accepts it with the page's limits.
function checkedSession(engine, session) {
  // Parsed and checked only: the page's workbook computes the steps once, when it shows them.
  return engine.normalise(session);
}

// ---- The panel ----

/// Wires the panel in `document` to `page` (main.js). Returns autosave, restore (where the page
/// starts: a share link, else the autosave, else the lecture example) and the notice bar
/// (notice.js) where it says what happened to a link or the saved session.
///
/// Links never destroy work: a link that cannot be loaded changes nothing stored (the saved
/// session is shown, with the reason at the top of the view); a link that loads is shown and the
/// session it replaced is kept aside (persist.js keepSession) with "Back to my session" beside
/// the message, which restores it exactly as autosaved. A link pasted into the open tab
/// (hashchange) follows the same rules.
export function createSharePanel(page, document) {
  const byId = (id) => document.getElementById(id);
  const { location, history, localStorage, window } = page.deps;
  const view = {
    status: byId('session-status'), shareField: document.querySelector('.share-field'),
    shareLink: byId('share-link'), importInput: byId('session-import'),
  };
  const { panels } = page;
  const notice = createNotice(document);
  // The student's own session while a link's is shown (also in storage, for a reload).
  let kept = null;

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

  /// What the autosave holds for the page as it is now (null before the first table).
  function current() {
    const { shown, state } = page;
    if (!shown) return null;
    return {
      session: exportedSession(shown), precision: state.precision, columns: state.columns,
      optimizerColumns: state.optimizerColumns,
      selectedStep: state.selectedStep, ratesText: panels.rates.text(), reportDescription: panels.report.description(),
    };
  }

  function autosave() {
    const saved = current();
    if (saved) saveAutosave(localStorage, saved);
  }

  /// Shows an autosaved value (`saved`): its description, rates, decimals, columns, session and
  /// selected row. Returns the engine's error when its session cannot be loaded, else null.
  function showSaved(saved) {
    const { session, precision, columns, selectedStep, ratesText, optimizerColumns } = saved;
    panels.report.restoreDescription(saved);
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
    if (error) return error;
    if (Number.isInteger(selectedStep)) page.update(model.selectStep(page.state, selectedStep));
    return null;
  }

  /// Shows the autosave read at the start (`saved`: loadAutosave's answer), else the lecture
  /// example. Returns 'saved' or 'lecture' and what went wrong with the autosave, if anything.
  function showAutosave(saved) {
    if (saved?.saved) {
      const error = showSaved(saved.saved);
      if (!error) return { shown: 'saved' };
      clearAutosave(localStorage);
      page.update(page.state);
      return { shown: 'lecture', problem: `The session saved in this browser could not be loaded (${error}); the lecture example is shown instead.` };
    }
    page.update(page.state);
    if (saved?.error) {
      return { shown: 'lecture', problem: `${saved.error[0].toUpperCase()}${saved.error.slice(1)}; the lecture example is shown instead.` };
    }
    return { shown: 'lecture' };
  }

  /// Says `message` in the panel and at the top of the view.
  function say(message, kind = 'info', actions = []) {
    view.status.textContent = message;
    notice.show(message, { kind, actions });
  }

  /// The buttons beside the message while the student's own session is kept aside.
  function keptActions() {
    return [
      { label: 'Back to my session', onClick: backToMine },
      { label: 'Keep this session', onClick: forgetMine },
    ];
  }

  function backToMine() {
    const mine = kept ?? loadKept(localStorage)?.saved;
    if (!mine) return;
    const error = showSaved(mine);
    if (error) {
      say(`Your session could not be brought back: ${error}. It stays kept in this browser.`, 'error', keptActions());
      return;
    }
    kept = null;
    clearKept(localStorage);
    say('Back to your session, as you left it.');
  }

  function forgetMine() {
    kept = null;
    clearKept(localStorage);
    say('Kept the session from the link; your earlier session was discarded.');
  }

  /// Opens a link's `session` (checked by readShareHash). `previous` is what the page held
  /// before (an autosave's value, or null): when it differs it is kept aside, one click away.
  /// Returns the engine's error (then nothing changed), or null.
  function openLink(session, previous) {
    const error = loadSession(session);
    if (error) return error;
    const opened = current();
    const different = previous && !sameSession(previous.session, opened?.session);
    // The first session replaced by a link is the student's own: a second link keeps it.
    const already = kept ?? loadKept(localStorage)?.saved;
    if (different && !already) {
      kept = previous;
      keepSession(localStorage, previous);
    }
    if (different || already) {
      say('Loaded the session from the link. Your own session is kept: "Back to my session" brings it back.', 'info', keptActions());
    } else {
      say('Loaded the session from the link.');
    }
    return null;
  }

  /// Whether `hash` names an element of the page (the table of contents, the skip link): a
  /// place to scroll to, not a shared session.
  function isAnchor(hash) {
    try {
      const id = decodeURIComponent(String(hash ?? '').replace(/^#/, ''));
      return id !== '' && document.getElementById(id) !== null;
    } catch {
      return false;
    }
  }

  /// Removes the fragment (never kept in the address once read).
  function dropFragment() {
    history.replaceState(null, '', `${location.pathname}${location.search}`);
  }

  /// Where the page starts: a share link, else the autosave, else the lecture example. A link
  /// that fails falls back to the autosave, which it never overwrites.
  function restore() {
    const shared = isAnchor(location.hash) ? null : readShareHash(location.hash);
    const saved = loadAutosave(localStorage);
    if (shared) {
      dropFragment();
      panels.report.restoreDescription(saved?.saved);  // a link holds no description
      const error = shared.error ?? openLink(shared.session, saved?.saved ?? null);
      if (!error) return;
      const { shown } = showAutosave(saved);
      say(`This link could not be loaded: ${error}. ${shown === 'saved'
        ? 'Your saved session is shown instead; nothing was changed.'
        : 'The lecture example is shown instead.'}`, 'error');
      return;
    }
    const { problem } = showAutosave(saved);
    if (problem) {
      say(problem, 'error');
    } else if (loadKept(localStorage)) {
      say('Your own session from before a share link is kept in this browser.', 'info', keptActions());
    }
  }

  // A link pasted into this tab changes only the fragment: act on it as on a new tab.
  window?.addEventListener('hashchange', () => {
    const shared = isAnchor(location.hash) ? null : readShareHash(location.hash);
    if (!shared || !page.engine) return;
    dropFragment();
    const error = shared.error ?? openLink(shared.session, current());
    if (error) say(`This link could not be loaded: ${error}. Your session is unchanged.`, 'error');
  });

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

  return { autosave, restore, notice };
}
