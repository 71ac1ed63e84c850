// The randomly wired page's data: the fields as the core's requests, which field a message of
// the core names, the generated session read as rows for people (nodes with their predecessors
// and successors), the generator's steps as what changed, the comparison's curves. Pure
// functions: no DOM, no Wasm. Every list, default and limit comes from the core's wiredSchema()
// (docs/graph.md).
import { shareHash } from './persist.js';

/// A field's text as the request holds it: the number it reads as, else the text itself, so
/// the core's message names the field and quotes what was typed.
export function numberOrText(text) {
  const trimmed = String(text ?? '').trim();
  const value = Number(trimmed);
  return trimmed !== '' && Number.isFinite(value) ? value : String(text ?? '');
}

/// The schema's row of family `name` (er, ba, ws), or undefined.
export const familyRow = (schema, name) => schema.families.find((f) => f.name === name);

/// The field key of parameter `name` of a family: the parameter's own name (p, m, k); a field
/// holds one text for every family that takes it (ER's P and WS's P are both `p`).
export const paramKey = (name) => name;

/// Every parameter name any family takes, in the schema's order, each once.
export function parameterNames(schema) {
  const names = [];
  for (const family of schema.families) {
    for (const p of family.parameters) if (!names.includes(p.name)) names.push(p.name);
  }
  return names;
}

/// The row of parameter `name` for `family` (its label, range, default), or undefined.
export const parameterRow = (schema, family, name) => familyRow(schema, family)?.parameters.find((p) => p.name === name);

/// The activation the page starts with: the schema's default, else the first.
function defaultActivation(schema) {
  const wanted = schema.default_activation;
  return schema.activations.includes(wanted) ? wanted : schema.activations[0];
}

/// The comparison's defaults (docs/graph.md "Side by side"), or {}.
const comparisonDefaults = (schema) => schema.comparison?.defaults ?? {};

/// The fields the page starts with, from the schema: its first family, nodes, seed,
/// activation, each parameter's default (the first family that takes it), and the comparison's
/// epochs.
export function defaultFields(schema) {
  const family = schema.families[0].name;
  const fields = {
    family, nodes: String(schema.nodes.default), seed: String(schema.seed.default),
    activation: defaultActivation(schema), epochs: String(comparisonDefaults(schema).epochs),
  };
  for (const name of parameterNames(schema)) {
    const own = parameterRow(schema, family, name);
    const row = own ?? schema.families.map((f) => f.parameters.find((p) => p.name === name)).find(Boolean);
    fields[paramKey(name)] = String(row.default);
  }
  return fields;
}

/// A parameter's text when the family changes to `family`: the family's default for a
/// parameter it takes whose text is that of another family's default (so WS's P starts at WS's
/// default, not ER's), else the text as typed.
export function fieldsForFamily(schema, fields, family) {
  const next = { ...fields, family };
  for (const p of familyRow(schema, family)?.parameters ?? []) {
    const others = schema.families.filter((f) => f.name !== family)
      .map((f) => f.parameters.find((q) => q.name === p.name)).filter(Boolean);
    if (others.some((q) => String(q.default) === fields[paramKey(p.name)])) next[paramKey(p.name)] = String(p.default);
  }
  return next;
}

/// The generate request (docs/graph.md, "Generators"): the family, its own parameters only,
/// nodes, seed, activation.
export function generateRequest(schema, fields) {
  const request = {
    family: fields.family, nodes: numberOrText(fields.nodes), seed: numberOrText(fields.seed),
    activation: fields.activation,
  };
  for (const p of familyRow(schema, fields.family)?.parameters ?? []) request[p.name] = numberOrText(fields[paramKey(p.name)]);
  return request;
}

/// The comparison request: the graph's family parameters where the family matches, nodes,
/// seed, activation and epochs from the fields; the rest the schema's comparison defaults.
export function comparisonRequest(schema, fields) {
  const request = structuredClone(comparisonDefaults(schema));
  request.nodes = numberOrText(fields.nodes);
  request.seed = numberOrText(fields.seed);
  request.activation = fields.activation;
  request.epochs = numberOrText(fields.epochs);
  const own = familyRow(schema, fields.family);
  if (own) {
    request[own.name] = { ...(request[own.name] ?? {}) };
    for (const p of own.parameters) request[own.name][p.name] = numberOrText(fields[paramKey(p.name)]);
  }
  return request;
}

/// The page's own limit on the nodes (the schema's `nodes.max`: a graph the lecture page can
/// open; the core generates larger ones for the command line): the message for a whole number
/// above it, in the core's words, else null.
export function nodesLimitError(schema, fields) {
  const n = numberOrText(fields.nodes);
  const { min, max } = schema.nodes;
  return Number.isInteger(n) && n > max ? `nodes: expected a whole number from ${min} to ${max}, got ${n}` : null;
}

const kFieldNames = ['family', 'nodes', 'seed', 'activation', 'epochs'];

/// The field (a key of the fields) a core message names by its first word ("k: WS needs an even
/// K, got 3" → 'k', "er.p: …" → 'p'), or null.
export function fieldOfMessage(schema, message) {
  const name = /^(?:(?:er|ba|ws)\.)?([a-z_]+):/.exec(String(message))?.[1];
  if (!name) return null;
  if (kFieldNames.includes(name)) return name;
  return parameterNames(schema).includes(name) ? paramKey(name) : null;
}

// ---- The generated session, for people ----

/// The neurons of a graph session as rows: `{ id, label, reads, feeds, from: [..], to: [..],
/// output }` — `from`/`to` the neighbours' labels (x1… or neuron numbers), `reads` whether it
/// reads an input, `feeds` whether it is an output (ŷ).
export function nodeRows(session) {
  const { graph } = session;
  const rows = graph.nodes.map((node, i) => ({
    id: i + 1, activation: node.activation, reads: false, output: false, from: [], to: [],
  }));
  for (const edge of graph.edges) {
    const target = rows[edge.to - 1];
    target.from.push(String(edge.from));
    if (typeof edge.from === 'string') target.reads = true;
    else rows[edge.from - 1].to.push(String(edge.to));
  }
  graph.outputs.forEach((j, k) => {
    rows[j - 1].output = true;
    rows[j - 1].to.push(graph.outputs.length > 1 ? `ŷ${k + 1}` : 'ŷ');
  });
  return rows;
}

/// The layer of every node id of a layout (`"x1"` or a neuron number) as a Map.
export function layersOf(layout) {
  return new Map(layout.nodes.map((n) => [String(n.id), n.layer]));
}

/// One sentence that sums up a generated graph: its family, sizes and how the output is fed.
export function graphSummary(schema, session, stats) {
  const origin = session.graph.origin ?? {};
  const family = familyRow(schema, origin.family);
  const params = (family?.parameters ?? []).map((p) => `${p.name.toUpperCase()} = ${origin[p.name]}`).join(', ');
  const title = family?.title ?? origin.family ?? 'graph';
  const neurons = session.graph.nodes.length;
  const outputs = session.graph.outputs.length;
  const edges = session.graph.edges.length;
  return `${title}${params ? ` with ${params}` : ''}: ${stats.nodes} random nodes, `
    + `${stats.edges} edges between them; as a network ${neurons} neurons (${outputs} output) and ${edges} weights.`;
}

// ---- The generator's steps ----

const edgeKey = ([i, j]) => (i < j ? `${i}-${j}` : `${j}-${i}`);

/// What step k changed: `{ added: [[i, j]…], removed: [[i, j]…] }` against step k − 1 (step 0
/// against nothing).
export function stepChange(steps, k) {
  const now = steps[k].edges;
  const before = k > 0 ? steps[k - 1].edges : [];
  const had = new Set(before.map(edgeKey));
  const has = new Set(now.map(edgeKey));
  return { added: now.filter((e) => !had.has(edgeKey(e))), removed: before.filter((e) => !has.has(edgeKey(e))) };
}

/// How many nodes step k shows: BA's nodes arrive one at a time (its start shows nodes 1…M, an
/// attach step nodes 1…v); every other family shows all `nodes` from the first step.
export function visibleNodes(steps, k, nodes, m) {
  if (steps.family !== 'ba') return nodes;
  const s = steps.steps[k];
  if (s.kind === 'attach') return s.node;
  return s.kind === 'start' ? m : nodes;
}

/// Node i (1…n) on a ring of radius r around (cx, cy), node 1 at the top, clockwise.
export function ringPoint(i, n, r, cx, cy) {
  const angle = (2 * Math.PI * (i - 1)) / n - Math.PI / 2;
  return { x: cx + r * Math.cos(angle), y: cy + r * Math.sin(angle) };
}

/// The animation's next frame: `{ at, playing }` after `action` ('play', 'pause', 'step',
/// 'reset', 'tick') on `count` steps. Playing stops at the last step.
export function animate(state, action, count) {
  const last = count - 1;
  switch (action) {
    case 'play': return { at: state.at >= last ? 0 : state.at, playing: true };
    case 'pause': return { ...state, playing: false };
    case 'step': return { at: Math.min(last, state.at + 1), playing: false };
    case 'reset': return { at: 0, playing: false };
    case 'tick': {
      const at = Math.min(last, state.at + 1);
      return { at, playing: at < last };
    }
    default: throw new Error(`animate: unknown action ${action}`);
  }
}

// ---- Side by side ----

/// The comparison's losses so far as uPlot's data: `[epochs, er, ba, ws, dense]` (the order of
/// `names`), from the epoch messages received.
export function lossData(epochs, names) {
  return [epochs.map((e) => e.epoch), ...names.map((name) => epochs.map((e) => e.losses[name] ?? null))];
}

/// The lecture page's address that opens `session` (its share link): `base` + `#session=…`,
/// with no steps computed yet: the student presses Step there.
export function workedExampleLink(base, session) {
  return `${base}${shareHash({ ...session, steps: 0 })}`;
}
