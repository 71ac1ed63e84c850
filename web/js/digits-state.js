// The digits page's state as plain data and pure functions (no DOM, no Wasm; node --test
// tests/js/digits-state.test.mjs): the form's texts ↔ the core's digitsModel options, which
// field a core message names, and the one-at-a-time queue of drawings sent to the worker.
// Every default, limit and list is the core's (digitsModel("{}"), schema()); this file only
// reads the texts' shape.
import { messageForField } from './render-form.js';
import { readHidden, readNumber, readWhole } from './trainer-form.js';

/// The form's fields, in the order they are shown.
export const kDigitsFields = ['hidden', 'activation', 'epochs', 'batchSize', 'learningRate', 'seed'];

/// The form's texts for a model JSON (the core's default, digitsModel("{}"), or a loaded file):
/// the hidden dense layers' units, their activation, epochs, batch size, learning rate, seed.
export function formFromModel(model) {
  const dense = model.layers.filter((l) => l.type === 'dense');
  const hidden = dense.slice(0, -1);
  const rate = typeof model.optimizer === 'object' ? model.optimizer.learning_rate : undefined;
  return {
    hidden: hidden.map((l) => l.units).join(', '),
    activation: hidden[0]?.activation ?? 'relu',
    epochs: String(model.fit?.epochs ?? ''),
    batchSize: String(model.fit?.batch_size ?? ''),
    learningRate: rate === undefined ? '' : String(rate),
    seed: String(model.seed ?? ''),
  };
}

/// The digitsModel options of the form's texts: `{ value: options }` or `{ errors: { field: message } }`
/// (only the shape of each text is checked here: numbers where numbers belong).
export function optionsFromForm(form) {
  const errors = {};
  const take = (key, reader, name) => {
    const r = reader(form[key], name);
    if (r.error) errors[key] = r.error;
    return r.value;
  };
  const hidden = take('hidden', readHidden, 'hidden layers');
  const epochs = take('epochs', readWhole, 'epochs');
  const batchSize = take('batchSize', readWhole, 'batch size');
  const learningRate = take('learningRate', readNumber, 'learning rate');
  const seed = take('seed', readWhole, 'seed');
  if (Object.keys(errors).length > 0) return { errors };
  return {
    value: {
      hidden, activation: form.activation, epochs, batch_size: batchSize, learning_rate: learningRate, seed,
    },
  };
}

const kOptionFields = {
  hidden: 'hidden', activation: 'activation', epochs: 'epochs', batch_size: 'batchSize',
  learning_rate: 'learningRate', seed: 'seed',
};
// Each field's name in its messages, as optionsFromForm's readers write it.
const kFieldNames = {
  hidden: 'hidden layers', activation: 'activation', epochs: 'epochs', batchSize: 'batch size',
  learningRate: 'learning rate', seed: 'seed',
};

/// The form field a core message about the options names ("hidden[1]: …", "options.epochs: …",
/// "batch_size: …"), or null (the message then goes under the form).
export function fieldOfMessage(message) {
  const head = String(message).split(':')[0];
  const name = head.replace(/^(options|digits)\./, '').replace(/\[\d+\]$/, '').trim();
  return kOptionFields[name] ?? null;
}

/// A core message about the options (fieldOfMessage's) as its field shows it, in the field's
/// own name: "digits.hidden[1]: expected …" → "hidden layers (layer 2): expected …". Other
/// messages are returned as they are.
export function messageAtField(message) {
  const text = String(message);
  const key = fieldOfMessage(text);
  if (!key) return text;
  const layer = key === 'hidden' ? /^[^:]*\[(\d+)\]:/.exec(text) : null;
  return messageForField(text, layer ? `${kFieldNames.hidden} (layer ${Number(layer[1]) + 1})` : kFieldNames[key]);
}

/// The drawings sent to the worker, one at a time and only the newest: while one is being
/// answered, a newer drawing replaces any that waits (a stroke sends many; the older ones
/// would only be out of date when their answers came).
export class LatestOnly {
  constructor() {
    this.busy = false;
    this.waiting = null;
  }

  /// `request` to send now, or null when it must wait (it replaces the one waiting).
  offer(request) {
    if (this.busy) {
      this.waiting = request;
      return null;
    }
    this.busy = true;
    return request;
  }

  /// The answer came: the request to send next (the newest waiting), or null.
  done() {
    const next = this.waiting;
    this.waiting = null;
    this.busy = next !== null;
    return next;
  }
}

/// "7,850,016 bytes (7.5 MB)": the data file's size as the page states it.
export function sizeText(bytes) {
  return `${bytes.toLocaleString('en-US')} bytes (${(bytes / 1024 / 1024).toFixed(1)} MB)`;
}

/// The sentence under the confusion matrix's gallery for a cell.
export function cellSentence(truth, predicted, count, shown) {
  const more = count > shown ? ` (the first ${shown})` : '';
  if (truth === predicted) return `${count} test digit${count === 1 ? '' : 's'} ${truth} the network recognised${more}.`;
  return `${count} test digit${count === 1 ? '' : 's'} ${truth} the network took for ${predicted}${more}.`;
}
