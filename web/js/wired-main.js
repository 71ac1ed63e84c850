// The randomly wired page's wiring: fields → requests (wired-state.js) → the wired Wasm module
// (wired-engine.js) → drawings (wired-render.js); the side-by-side training in a Web Worker
// (wired-worker.js). A refused request shows the core's message at the field it names, and the
// last good graph stays drawn.
import { EngineError } from './engine.js';
import { loadWired } from './wired-engine.js';
import {
  animate, comparisonRequest, defaultFields, familyRow, fieldOfMessage, fieldsForFamily, generateRequest,
  graphSummary, layersOf, lossData, nodeRows, nodesLimitError, parameterNames, parameterRow, paramKey, stepChange, visibleNodes,
  workedExampleLink,
} from './wired-state.js';
import {
  LossPlot, drawDag, renderCompareTable, renderHistogram, renderNodeTable, renderRing, renderStats,
} from './wired-render.js';
import { messageAtLabel, showFieldError } from './render-form.js';

const byId = (id) => document.getElementById(id);
const status = byId('wired-status');
const inputs = { family: byId('family'), nodes: byId('nodes'), seed: byId('seed'), activation: byId('activation'), epochs: byId('epochs') };
const buttons = {
  generate: byId('generate'), open: byId('open-worked'), play: byId('anim-play'), step: byId('anim-step'),
  reset: byId('anim-reset'), run: byId('compare-run'), stop: byId('compare-stop'),
};
const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)');

let engine = null;
let schema = null;
let fields = {};
// The last good graph: its request, session, statistics, layout and generator steps.
let shown = null;
let anim = { at: 0, playing: false };
let timer = null;

function showStatus(text, isError = false) {
  status.textContent = text;
  status.classList.toggle('is-error', isError);
}

function readFields() {
  for (const [key, input] of Object.entries(inputs)) fields[key] = input.value;
}

/// The core's message about a field in the field's own name, as its label reads ("N (nodes): …"
/// for the core's "nodes: …"); a message about no field of the page as the core wrote it.
function labelled(message) {
  const key = fieldOfMessage(schema, message);
  return key && inputs[key] ? messageAtLabel(message, inputs[key]) : message;
}

/// Clears every field's message, then shows `error`'s at the field it names (else in the status).
function showError(error, keys) {
  for (const key of keys) showFieldError(inputs[key], null);
  if (!error) return;
  const key = fieldOfMessage(schema, error.message);
  if (key && keys.includes(key) && !inputs[key].closest('[hidden]')) showFieldError(inputs[key], messageAtLabel(error.message, inputs[key]));
  else showStatus(error.message, true);
}

const graphKeys = () => ['family', 'nodes', 'seed', 'activation', ...parameterNames(schema).map(paramKey)];

// ---- The form ----

/// One field per parameter any family takes (p, m, k), each shown for the families that take it
/// and labelled with the chosen family's label and range.
function buildParameterFields() {
  const box = byId('param-fields');
  for (const name of parameterNames(schema)) {
    const key = paramKey(name);
    const field = document.createElement('div');
    field.className = 'field';
    const label = document.createElement('label');
    label.htmlFor = `param-${name}`;
    label.id = `param-${name}-label`;
    const input = document.createElement('input');
    input.type = 'text';
    input.id = `param-${name}`;
    input.autocomplete = 'off';
    const hint = document.createElement('p');
    hint.className = 'field-hint';
    hint.id = `param-${name}-hint`;
    const error = document.createElement('p');
    error.className = 'field-error';
    error.id = `param-${name}-error`;
    error.hidden = true;
    field.append(label, input, hint, error);
    box.append(field);
    inputs[key] = input;
    input.addEventListener('input', generate);
  }
}

/// Labels, ranges and visibility of the parameter fields for the chosen family; the nodes' range.
function showFamily() {
  const family = familyRow(schema, inputs.family.value);
  for (const name of parameterNames(schema)) {
    const input = inputs[paramKey(name)];
    const row = parameterRow(schema, inputs.family.value, name);
    input.closest('.field').hidden = !row;
    if (!row) continue;
    input.inputMode = row.integer ? 'numeric' : 'decimal';
    byId(`param-${name}-label`).textContent = row.label ?? name;
    byId(`param-${name}-hint`).textContent = ruleText(row);
  }
  byId('family-note').textContent = family ? `${family.title}: ${family.text}.` : '';
}

/// A field's rule as the schema writes it ("K even, 2 ≤ K < N"), with its largest value when
/// the rule leaves it out ("2 ≤ N, at most 64").
const ruleText = (row) => {
  const rule = row.rule ?? '';
  return row.max !== undefined && row.max < 1e6 && !rule.includes('<') && !rule.includes('≤ 1')
    ? `${rule}, at most ${row.max}` : rule;
};

// ---- The graph ----

function generate() {
  readFields();
  const request = generateRequest(schema, fields);
  let next;
  try {
    const limit = nodesLimitError(schema, fields);
    if (limit) throw new EngineError(limit);
    const session = engine.generate(request);
    const stats = engine.statistics(session);
    const layout = engine.layout(session);
    next = { request, session, stats, layout, steps: null };
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    showError(e, graphKeys());
    if (shown) byId('graph-summary').textContent = `Not drawn: ${labelled(e.message)}. The last good graph stays below.`;
    setButtons();
    return;
  }
  showError(null, graphKeys());
  shown = next;
  showStatus('');
  drawGraph();
  stopTimer();
  anim = { at: 0, playing: false };
  byId('anim-count').textContent = '';
  byId('anim-sentence').textContent = 'Working out the generator\'s steps…';
  setButtons();
  // The steps (every edge list after every step: ~100 ms for 64 nodes) come in the next task,
  // so the drawing follows the typing first; a newer graph cancels them.
  clearTimeout(stepsTimer);
  stepsTimer = setTimeout(() => {
    if (shown !== next) return;
    try {
      next.steps = engine.generatorSteps(request);
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      next.steps = null;
    }
    resetAnimation();
  }, 0);
}
let stepsTimer = null;

function drawGraph() {
  const { session, stats, layout } = shown;
  byId('graph-summary').textContent = graphSummary(schema, session, stats);
  byId('graph-readout').textContent = '';
  drawDag(byId('graph-drawing'), layout, session, null, {
    title: 'the generated graph', onFocusNode: (text) => { byId('graph-readout').textContent = text; },
  });
  renderNodeTable(byId('node-table'), nodeRows(session), layersOf(layout));
  renderStats(byId('stats-table'), stats, closedFormTexts(stats));
  renderHistogram(byId('histogram'), stats.degree_histogram);
}

/// The closed forms' formulas as the core writes them (statistics' `closed_form_text`), each
/// followed by " = " and the value.
function closedFormTexts(stats) {
  const texts = stats.closed_form_text ?? {};
  return Object.fromEntries(Object.entries(texts).map(([k, v]) => [k, `${v} = `]));
}

// ---- The generator's steps ----

function resetAnimation() {
  stopTimer();
  anim = { at: 0, playing: false };
  drawStep();
}

function stopTimer() {
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

function drawStep() {
  const steps = shown?.steps;
  const count = steps?.steps?.length ?? 0;
  if (!count) {
    byId('anim-count').textContent = '';
    byId('anim-sentence').textContent = 'This family has no steps to show.';
    byId('ring-drawing').replaceChildren();
    setButtons();
    return;
  }
  const step = steps.steps[anim.at];
  const nodes = steps.nodes ?? shown.stats.nodes;
  const m = Number(shown.request.m ?? 0);
  renderRing(byId('ring-drawing'), {
    nodes, visible: visibleNodes(steps, anim.at, nodes, m), step, change: stepChange(steps.steps, anim.at),
  });
  byId('anim-count').textContent = `step ${anim.at + 1} of ${count}`;
  byId('anim-sentence').textContent = step.text;
  buttons.play.textContent = anim.playing ? 'Pause' : 'Play';
  setButtons();
}

/// The delay between steps while playing: slower, and without motion in between, when the
/// student asked for reduced motion.
const delay = () => (reducedMotion?.matches ? 1600 : 600);

function act(action) {
  const count = shown?.steps?.steps?.length ?? 0;
  if (!count) return;
  anim = animate(anim, action, count);
  stopTimer();
  drawStep();
  if (anim.playing) timer = setTimeout(() => act('tick'), delay());
}

// ---- Side by side ----

const worker = new Worker('js/wired-worker.js');
const lossPlot = new LossPlot(byId('compare-chart'));
let comparison = null;  // { request, epochs: [...], names, labels, started }

const kModels = ['er', 'ba', 'ws', 'dense'];

function runComparison() {
  readFields();
  showFieldError(inputs.epochs, null);
  const request = comparisonRequest(schema, fields);
  comparison = { request, epochs: [], started: performance.now() };
  buttons.run.disabled = true;
  buttons.stop.disabled = false;
  byId('compare-progress-label').textContent = 'starting…';
  worker.postMessage({ type: 'run', request });
}

worker.onmessage = (event) => {
  const message = event.data;
  if (!comparison) return;
  const total = Number(comparison.request.epochs) || 1;
  switch (message.type) {
    case 'started':
      byId('compare-progress').max = total;
      byId('compare-progress').value = 0;
      break;
    case 'epoch': {
      comparison.epochs.push(message.logs);
      const e = message.logs.epoch;
      byId('compare-progress').value = e;
      byId('compare-progress-label').textContent = `epoch ${e} of ${total}`;
      lossPlot.set(lossData(comparison.epochs, kModels), kModels.map((n) => n.toUpperCase()));
      break;
    }
    case 'done': {
      const { summary } = message;
      const names = summary.models.map((m) => m.name);
      const labels = summary.models.map((m) => m.title ?? m.name);
      lossPlot.set(lossData(comparison.epochs, names), labels);
      renderCompareTable(byId('compare-table'), summary.models);
      if (summary.note) byId('compare-note').textContent = summary.note;
      const seconds = (message.elapsed / 1000).toFixed(2);
      byId('compare-progress-label').textContent = message.stopped
        ? `stopped after ${comparison.epochs.length} of ${total} epochs (${seconds} s)`
        : `done: ${summary.epochs ?? comparison.epochs.length} epochs of 4 networks in ${seconds} s`;
      endComparison();
      break;
    }
    case 'error': {
      const key = fieldOfMessage(schema, message.message);
      if (key === 'epochs') showFieldError(inputs.epochs, messageAtLabel(message.message, inputs.epochs));
      else showStatus(`The side-by-side training was refused: ${message.message}`, true);
      byId('compare-progress-label').textContent = 'not started';
      endComparison();
      break;
    }
    default:
  }
};
worker.onerror = (e) => {
  showStatus(`The training worker failed: ${e.message}`, true);
  endComparison();
};

function endComparison() {
  buttons.run.disabled = !engine;
  buttons.stop.disabled = true;
}

// ---- Buttons ----

function setButtons() {
  const ready = engine !== null;
  buttons.generate.disabled = !ready;
  buttons.open.disabled = !shown;
  const count = shown?.steps?.steps?.length ?? 0;
  buttons.play.disabled = count === 0;
  buttons.step.disabled = count === 0 || anim.at >= count - 1;
  buttons.reset.disabled = count === 0 || anim.at === 0;
  if (!comparison || buttons.stop.disabled) buttons.run.disabled = !ready;
}

// ---- Start ----

async function start() {
  try {
    engine = await loadWired();
    schema = engine.wiredSchema();
  } catch (e) {
    showStatus(e.message, true);
    return;
  }
  inputs.family.replaceChildren(...schema.families.map((f) => new Option(f.title ?? f.name, f.name)));
  inputs.activation.replaceChildren(...schema.activations.map((a) => new Option(a.title ?? a.name ?? a, a.name ?? a)));
  buildParameterFields();
  byId('nodes-label').textContent = schema.nodes.label;
  byId('nodes-hint').textContent = ruleText(schema.nodes);
  byId('seed-hint').textContent = ruleText(schema.seed);
  byId('compare-note').textContent = schema.comparison.note;
  byId('compare-data').textContent = `Data: ${schema.comparison.data}.`;
  const limits = schema.comparison.limits.epochs;
  byId('epochs-hint').textContent = `${limits.min} to ${limits.max}`;
  fields = defaultFields(schema);
  for (const [key, input] of Object.entries(inputs)) input.value = fields[key] ?? '';
  showFamily();
  inputs.family.addEventListener('change', () => {
    readFields();
    fields = fieldsForFamily(schema, fields, inputs.family.value);
    for (const [key, input] of Object.entries(inputs)) if (input.value !== fields[key]) input.value = fields[key];
    showFamily();
    generate();
  });
  for (const key of ['nodes', 'seed']) inputs[key].addEventListener('input', generate);
  inputs.activation.addEventListener('change', generate);
  byId('wired-form').addEventListener('submit', (e) => {
    e.preventDefault();
    generate();
  });
  buttons.open.addEventListener('click', () => {
    if (shown) window.location.assign(workedExampleLink('index.html', shown.session));
  });
  buttons.play.addEventListener('click', () => act(anim.playing ? 'pause' : 'play'));
  buttons.step.addEventListener('click', () => act('step'));
  buttons.reset.addEventListener('click', () => act('reset'));
  buttons.run.addEventListener('click', runComparison);
  buttons.stop.addEventListener('click', () => worker.postMessage({ type: 'stop' }));
  window.addEventListener('resize', () => lossPlot.resize());
  generate();
  setButtons();
  if (shown) showStatus('Ready: choose a family and its parameters; the graph follows as you type.');
}

start();
