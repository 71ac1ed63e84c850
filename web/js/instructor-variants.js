// The Variants section of the instructor page: template, seed, count and steps → the core's
// variants (each with its sheet, key and student link) → the list, a sheet's preview and the
// downloads. The page computes nothing: the numbers, the rules and every message about a
// template or an option are the core's (cpp/core/tutor/src/variant.cpp).
import { EngineError } from './engine.js';
import { downloadBlob, downloadText } from './download.js';
import { loadAutosave } from './persist.js';
import { zipFiles } from './zip.js';

/// The fields of the section, as the core's options name them.
export const kVariantFields = ['seed', 'count', 'steps'];

/// Reads the seed, count and steps boxes (text): `{ options }` for the core (steps null when
/// empty: the template's) or `{ errors: { field: message } }` for text that is no whole number.
/// Ranges are the core's to check.
export function readVariantFields(texts) {
  const options = {};
  const errors = {};
  for (const name of kVariantFields) {
    const text = String(texts[name] ?? '').trim();
    if (text === '' && name === 'steps') {
      options.steps = null;
      continue;
    }
    const value = Number(text);
    if (text === '' || !Number.isInteger(value)) {
      errors[name] = `${name}: expected a whole number, got "${text}"`;
    } else {
      options[name] = value;
    }
  }
  return Object.keys(errors).length ? { errors } : { options };
}

/// The field a core message is about ("count: …" → count), or null.
export function fieldOfError(message) {
  const match = /^(seed|count|steps|template)[:.]/.exec(String(message));
  return match ? match[1] : null;
}

/// A matrix of samples as one line: [[1.5]] → "1.5", [[0.2, 0.4], [0.6, 0.1]] → "0.2, 0.4; 0.6, 0.1".
export function samplesText(rows) {
  return rows.map((row) => row.join(', ')).join('; ');
}

/// The template choices: the core's templates, then the lecture page's autosaved session when
/// this browser has one (`saved`: loadAutosave's answer).
export function templateChoices(templates, saved) {
  const choices = templates.map((t) => ({ value: t.name, label: t.title, text: JSON.stringify(t.session) }));
  if (saved?.saved?.session) {
    choices.push({ value: 'autosave', label: 'the session of the lecture page (saved in this browser)',
      text: JSON.stringify(saved.saved.session) });
  }
  return choices;
}

/// Wires the section in `document` to `page` ({ instructor, deps: { localStorage, location } }).
export function createVariantsSection(page, document) {
  const byId = (id) => document.getElementById(id);
  const ui = {
    options: byId('template-options'), ownFields: byId('template-own-fields'), file: byId('template-file'),
    text: byId('template-text'), generate: byId('generate'), zip: byId('download-zip'),
    status: byId('variants-status'), result: byId('variants-result'), list: byId('variants-list'),
    title: byId('sheet-title'), preview: byId('sheet-preview'), rules: byId('variants-rules'),
    sheetMd: byId('download-sheet-md'), sheetTex: byId('download-sheet-tex'), key: byId('download-key'),
  };
  const inputs = { seed: byId('variant-seed'), count: byId('variant-count'), steps: byId('variant-steps') };
  const { instructor } = page;
  let shown = null;     // the last good set (the core's answer)
  let selected = null;  // the variant previewed

  const rules = instructor.rules();
  ui.rules.textContent = `Each variant draws x, y, the start weights and η on a one-decimal grid and is kept only when `
    + `the engine's run shows it readable: no neuron saturated at step 1 (|f′(z)| ≥ ${rules.min_slope}), `
    + `a loss that changes by at least ${rules.min_loss_change} in ${rules.loss_steps} steps, every number of the `
    + `key below ${rules.max_cell} in size; an Assignment 4 template also gives variants that pass Assignment 4, `
    + `with a rate that makes the loss rise. Up to ${rules.max_count} variants, ${rules.max_steps} steps.`;

  let saved = null;
  try {
    saved = loadAutosave(page.deps.localStorage);
  } catch {
    saved = null;  // storage switched off: no autosave to offer
  }
  const choices = templateChoices(instructor.templates(), saved);
  for (const [i, choice] of choices.entries()) {
    const label = document.createElement('label');
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'template';
    radio.value = choice.value;
    radio.checked = i === 0;
    label.append(radio, ` ${choice.label}`);
    ui.options.append(label);
  }
  const chosen = () => document.querySelector('input[name="template"]:checked')?.value;
  document.querySelectorAll('input[name="template"]').forEach((radio) => {
    radio.addEventListener('change', () => { ui.ownFields.hidden = chosen() !== 'own'; });
  });
  ui.file.addEventListener('change', async () => {
    const file = ui.file.files?.[0];
    if (!file) return;
    ui.text.value = await file.text();
  });

  function showError(name, message) {
    const element = byId(name === 'template' ? 'template-error' : `variant-${name}-error`);
    element.textContent = message ?? '';
    element.hidden = !message;
    const input = name === 'template' ? ui.text : inputs[name];
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  const clearErrors = () => [...kVariantFields, 'template'].forEach((name) => showError(name, null));
  function setStatus(text, error = false) {
    ui.status.textContent = text;
    ui.status.classList.toggle('is-error', error);
  }

  function select(variant) {
    selected = variant;
    ui.title.textContent = `Sheet of ${variant.id}`;
    ui.preview.textContent = variant.files.find((f) => f.name.endsWith('.sheet.md')).text;
    for (const row of ui.list.tBodies[0].rows) {
      const current = row.dataset.id === variant.id;
      row.classList.toggle('is-selected', current);
      row.querySelector('button').setAttribute('aria-pressed', String(current));
    }
  }

  function render(set) {
    const body = ui.list.tBodies[0];
    body.replaceChildren();
    for (const v of set.variants) {
      const row = body.insertRow();
      row.dataset.id = v.id;
      const head = document.createElement('th');
      head.scope = 'row';
      const pick = document.createElement('button');
      pick.type = 'button';
      pick.className = 'link-button';
      pick.textContent = v.id;
      pick.title = `Preview the sheet of ${v.id}`;
      pick.addEventListener('click', () => select(v));
      head.append(pick);
      row.append(head);
      const eta = v.rising_rate === null ? String(v.learning_rate) : `${v.learning_rate} (rises at ${v.rising_rate})`;
      for (const text of [samplesText(v.inputs), samplesText(v.targets), eta, v.first_loss.toFixed(4)]) {
        row.insertCell().textContent = text;
      }
      const link = document.createElement('a');
      link.href = v.link;
      link.textContent = `open ${v.id}`;
      link.target = '_blank';
      link.rel = 'noopener';
      row.insertCell().append(link);
    }
    ui.result.hidden = false;
    ui.zip.disabled = false;
    select(set.variants[0]);
  }

  async function generate() {
    clearErrors();
    const read = readVariantFields(Object.fromEntries(kVariantFields.map((n) => [n, inputs[n].value])));
    if (read.errors) {
      for (const [name, message] of Object.entries(read.errors)) showError(name, message);
      setStatus(shown ? 'Nothing generated: fix the marked field; the list below is the last one generated.' : 'Nothing generated: fix the marked field.', true);
      return;
    }
    const choice = chosen();
    const text = choice === 'own' ? ui.text.value : choices.find((c) => c.value === choice)?.text;
    if (!text || !text.trim()) {
      showError('template', 'template: paste a session\'s JSON or choose a session file');
      setStatus('Nothing generated: no template.', true);
      return;
    }
    const site = new URL('index.html', page.deps.location.href).href;
    // The core works synchronously (a few milliseconds per variant): say so first, and let the
    // browser draw it before the work starts.
    setStatus(`Generating ${read.options.count} variant${read.options.count === 1 ? '' : 's'}…`);
    ui.generate.disabled = true;
    await new Promise((resolve) => { setTimeout(resolve, 0); });
    let set;
    try {
      set = instructor.variants(text, { ...read.options, site });
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      showError(fieldOfError(e.message) ?? 'template', e.message);
      setStatus(shown ? 'Nothing generated: see the marked field; the list below is the last one generated.' : 'Nothing generated: see the marked field.', true);
      return;
    } finally {
      ui.generate.disabled = false;
    }
    shown = set;
    const n = set.variants.length;
    setStatus(`${n} variant${n === 1 ? '' : 's'} from seed ${set.seed}, ${set.steps} steps each`
      + (set.assignment ? ' (Assignment 4 style: each passes Assignment 4 and has a rate that makes the loss rise).' : '.'));
    render(set);
  }

  ui.generate.addEventListener('click', generate);
  for (const input of Object.values(inputs)) {
    input.addEventListener('keydown', (event) => { if (event.key === 'Enter') generate(); });
  }
  const file = (suffix) => selected.files.find((f) => f.name.endsWith(suffix));
  ui.sheetMd.addEventListener('click', () => downloadText(file('.sheet.md').name, file('.sheet.md').text, 'text/markdown'));
  ui.sheetTex.addEventListener('click', () => downloadText(file('.sheet.tex').name, file('.sheet.tex').text, 'application/x-tex'));
  ui.key.addEventListener('click', () => downloadText(file('.key.csv').name, file('.key.csv').text, 'text/csv'));
  ui.zip.addEventListener('click', () => {
    const files = [...shown.variants.flatMap((v) => v.files), shown.index];
    downloadBlob(`variants-seed${shown.seed}.zip`, new Blob([zipFiles(files)], { type: 'application/zip' }));
  });
  ui.generate.disabled = false;
  setStatus('Ready: choose a template and press Generate.');
  return { generate, shown: () => shown };
}
