// The trainer page's form as plain data: the texts the student typed, turned into the model
// JSON (docs/model.md) and the data choice the core reads. Only the shape of the texts is
// checked here (a number where a number belongs, with the field's name); every range and rule
// is the core's, which names the model's field in its message ("fit.epochs: expected …"). The
// form knows which of its fields wrote each of the model's fields (`fields`), so fieldOfError
// takes such a message back to the field the student typed in, under its own name.
import { messageForField } from './render-form.js';

/// The lecture's Keras example (lecture.md section 6) as the form shows it.
export const kLectureForm = Object.freeze({
  hidden: '64, 128, 64',
  layerType: 'dense',
  pieces: '2',
  activation: 'relu',
  batchNorm: true,
  outputActivation: 'linear',
  loss: 'mse',
  optimizer: 'adam',
  learningRate: '0.001',
  batchSize: '64',
  epochs: '300',
  plateau: true,
  plateauPatience: '20',
  plateauFactor: '0.1',
  minLr: '0',
  early: true,
  earlyPatience: '50',
  restoreBest: false,
  seed: '1',
  dtype: 'float32',  // as Keras trains; the schema's dtypes offer float64 too
});

/// The built-in data set's defaults (docs/model.md "Data").
export const kBuiltinData = Object.freeze({ samples: '10000', noise: '0.01', dataSeed: '1' });

export const kLayerTypes = ['dense', 'maxout'];

/// The form's choices from the engine's schema (the trainer module's schema(), parsed), in the
/// schema's order: `{ activations` (hidden layers: the rows without last_layer_only),
/// `outputActivations` (every row), `losses` (the Keras ones), `optimizers`, `dtypes }` (the
/// numbers the model trains in: float32, float64), each a list of
/// `{ name, title }`.
export function trainerChoices(schema) {
  const entry = (row) => ({ name: row.name, title: row.title });
  return {
    activations: schema.activations.filter((a) => !a.last_layer_only).map(entry),
    outputActivations: schema.activations.map(entry),
    losses: schema.losses.filter((l) => l.keras).map(entry),
    optimizers: schema.optimizers.map(entry),
    dtypes: (schema.dtypes ?? []).map(entry),
  };
}

const kNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/// A finite decimal number written plainly ("0.001", "1e-3"); `{ value }` or `{ error }`.
export function readNumber(text, field) {
  const t = String(text).trim().replace('\u2212', '-');
  if (t === '') return { error: `${field}: expected a number, got nothing` };
  if (!kNumber.test(t)) {
    const comma = /^[+-]?\d+,\d+$/.test(t) ? ' (write decimals with a point)' : '';
    return { error: `${field}: expected a number, got "${String(text).trim()}"${comma}` };
  }
  const value = Number(t);
  if (!Number.isFinite(value)) return { error: `${field}: "${t}" is too large for a number` };
  return { value };
}

/// A whole number ("64"); `{ value }` or `{ error }`.
export function readWhole(text, field) {
  const t = String(text).trim();
  if (!/^\d{1,9}$/.test(t)) {
    return { error: `${field}: expected a whole number, got ${t === '' ? 'nothing' : `"${t}"`}` };
  }
  return { value: Number(t) };
}

/// "64, 128, 64" → [64, 128, 64]; "" → [] (no hidden layer).
export function readHidden(text, field = 'hidden layers') {
  const entries = String(text).split(/[\s,;]+/).filter((e) => e !== '');
  const units = [];
  for (const entry of entries) {
    const n = readWhole(entry, field);
    if (n.error) return { error: `${field}: expected whole numbers of units separated by commas, got "${entry}"` };
    units.push(n.value);
  }
  return { value: units };
}

/// The model JSON for `form` on data of `inputs` features and `outputs` targets:
/// `{ value: model, fields }` or `{ errors: { formKey: message } }`. `fields` maps each path of
/// the model that a field of the form wrote (`fit.epochs`, `layers[3].units`) to that field:
/// `{ key, name }`, its form key and the name its messages use.
export function modelFromForm(form, inputs, outputs) {
  const errors = {};
  const take = (key, reader, name) => {
    const r = reader(form[key], name);
    if (r.error) errors[key] = r.error;
    return r.value;
  };
  const hidden = take('hidden', readHidden, 'hidden layers');
  const maxout = form.layerType === 'maxout';
  const pieces = maxout ? take('pieces', readWhole, 'maxout pieces') : undefined;
  const learningRate = take('learningRate', readNumber, 'learning rate');
  const batchSize = take('batchSize', readWhole, 'batch size');
  const epochs = take('epochs', readWhole, 'epochs');
  const seed = take('seed', readWhole, 'weights seed');
  const plateau = form.plateau ? {
    patience: take('plateauPatience', readWhole, 'plateau patience'),
    factor: take('plateauFactor', readNumber, 'plateau factor'),
    min_lr: take('minLr', readNumber, 'minimum learning rate'),
  } : null;
  const early = form.early ? { patience: take('earlyPatience', readWhole, 'early stopping patience') } : null;
  if (Object.keys(errors).length > 0) return { errors };

  const fields = {
    layers: { key: 'hidden', name: 'hidden layers' },
    'optimizer.learning_rate': { key: 'learningRate', name: 'learning rate' },
    'fit.batch_size': { key: 'batchSize', name: 'batch size' },
    'fit.epochs': { key: 'epochs', name: 'epochs' },
    'fit.seed': { key: 'seed', name: 'weights seed' },
    seed: { key: 'seed', name: 'weights seed' },
  };
  const layers = [];
  hidden.forEach((units, h) => {
    const at = `layers[${layers.length}]`;
    fields[`${at}.units`] = { key: 'hidden', name: `hidden layers (layer ${h + 1} of ${hidden.length})` };
    if (maxout) fields[`${at}.pieces`] = { key: 'pieces', name: 'maxout pieces' };
    // A maxout unit is its own activation: the max of its k affine pieces.
    layers.push(maxout ? { type: 'maxout', units, pieces } : { type: 'dense', units });
    if (form.batchNorm) layers.push({ type: 'batch_normalization' });
    if (!maxout) layers.push({ type: 'activation', activation: form.activation });
  });
  const output = { type: 'dense', units: outputs };
  if (form.outputActivation !== 'linear') output.activation = form.outputActivation;
  layers.push(output);
  const callbacks = [];
  const callback = (entry, names) => {
    for (const [field, to] of Object.entries(names)) fields[`fit.callbacks[${callbacks.length}].${field}`] = to;
    callbacks.push(entry);
  };
  if (plateau) {
    callback({ name: 'reduce_lr_on_plateau', ...plateau }, {
      patience: { key: 'plateauPatience', name: 'plateau patience' },
      factor: { key: 'plateauFactor', name: 'plateau factor' },
      min_lr: { key: 'minLr', name: 'minimum learning rate' },
    });
  }
  if (early) {
    callback({ name: 'early_stopping', patience: early.patience, restore_best_weights: Boolean(form.restoreBest) },
      { patience: { key: 'earlyPatience', name: 'early stopping patience' } });
  }
  return {
    fields,
    value: {
      name: 'sequential', inputs, layers, loss: form.loss,
      optimizer: { name: form.optimizer, learning_rate: learningRate },
      fit: { batch_size: batchSize, epochs, shuffle: true, seed, callbacks },
      seed,
      ...(form.dtype ? { dtype: form.dtype } : {}),
    },
  };
}

/// The built-in data choice: `{ value: { builtin: { samples, noise, seed } }, fields }` or
/// `{ errors }` (`fields` as modelFromForm's, for the data's paths).
export function builtinFromForm(data) {
  const errors = {};
  const samples = readWhole(data.samples, 'samples');
  const noise = readNumber(data.noise, 'noise');
  const seed = readWhole(data.dataSeed, 'data seed');
  if (samples.error) errors.samples = samples.error;
  if (noise.error) errors.noise = noise.error;
  if (seed.error) errors.dataSeed = seed.error;
  if (Object.keys(errors).length > 0) return { errors };
  return {
    value: { builtin: { samples: samples.value, noise: noise.value, seed: seed.value } },
    fields: {
      'data.builtin.samples': { key: 'samples', name: 'samples' },
      'data.builtin.noise': { key: 'noise', name: 'noise' },
      'data.builtin.seed': { key: 'dataSeed', name: 'data seed' },
    },
  };
}

/// The field of the form a message of the core is about, from the model's path that begins it
/// ("fit.callbacks[0].factor: expected …"): `{ key, message }` with the message under the
/// field's own name ("plateau factor: expected …"), or null when no field of the form wrote that
/// path (the output layer's units come from the data; a loaded file has no form fields).
export function fieldOfError(message, fields) {
  const m = /^([A-Za-z_][\w.[\]]*): /.exec(String(message));
  const field = m && fields && Object.hasOwn(fields, m[1]) ? fields[m[1]] : null;
  return field ? { key: field.key, message: messageForField(message, field.name) } : null;
}

/// The columns named in a CSV's header line (quotes removed), for the column choosers.
export function csvHeader(firstLine) {
  const line = String(firstLine).replace(/^\uFEFF/, '').replace(/\r$/, '');
  const names = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { names.push(cell.trim()); cell = ''; } else cell += c;
  }
  names.push(cell.trim());
  return names;
}

/// "2 min 5 s", "40 s", "0.8 s": a duration for the progress line.
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${s % 60} s`;
}

/// The time left if the remaining epochs take as long as the mean of those done. (Early
/// stopping can end sooner: the page says "at most".)
export function eta(elapsedMs, done, total) {
  if (done <= 0 || total <= done) return 0;
  return (elapsedMs / done) * (total - done);
}
