// Share links and the autosave (web/js/persist.js): round trips, and damaged or hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clearAutosave, clearKept, kAutosaveKey, keepSession, kKeptKey, kMaxShareLength, loadAutosave, loadKept,
  readShareHash, sameSession, saveAutosave, shareHash,
} from '../../web/js/persist.js';

const kSession = {
  inputs: [[1]], targets: [[1]],
  layers: [{ units: 1, activation: 'sigmoid', weights: [[0.5]], biases: [0] },
           { units: 1, activation: 'sigmoid', weights: [[0.8]], biases: [0] }],
  loss: 'half_sse', optimizer: { name: 'sgd', learning_rate: 0.1 }, steps: 5, seed: 1,
};

/// A Storage-like object in memory; `broken` makes every call throw as a full or
/// switched-off storage does.
function memoryStorage({ broken = false } = {}) {
  const items = new Map();
  const guard = () => { if (broken) throw new Error('QuotaExceededError'); };
  return {
    getItem: (k) => { guard(); return items.has(k) ? items.get(k) : null; },
    setItem: (k, v) => { guard(); items.set(k, String(v)); },
    removeItem: (k) => { guard(); items.delete(k); },
  };
}

test('a share link holds the session and reads back to the same numbers', () => {
  const hash = shareHash(kSession);
  assert.match(hash, /^#session=[A-Za-z0-9_-]+$/);
  assert.deepEqual(readShareHash(hash), { session: kSession });
  const odd = { ...kSession, layers: [{ ...kSession.layers[0], weights: [[0.1 + 0.2]] }, kSession.layers[1]] };
  assert.equal(readShareHash(shareHash(odd)).session.layers[0].weights[0][0], 0.1 + 0.2, 'bit for bit');
});

test('no fragment is no shared session', () => {
  assert.equal(readShareHash(''), null);
  assert.equal(readShareHash('#'), null);
  assert.equal(readShareHash(undefined), null);
});

test('damaged and hostile links say what is wrong', () => {
  assert.deepEqual(readShareHash('#<img src=x onerror=alert(1)>'),
    { error: 'the link\'s fragment is not a shared session (expected #session=…)' });
  assert.deepEqual(readShareHash('#session=<img src=x onerror=alert(1)>'),
    { error: 'the shared session is damaged: it holds characters that are not base64url' });
  assert.deepEqual(readShareHash('#session=A'), { error: 'the shared session is damaged: it is not valid base64url' });
  assert.deepEqual(readShareHash('#session=_-_-_-_-'), { error: 'the shared session is damaged: it is not UTF-8 text' });
  const notJson = Buffer.from('{"inputs": [[1]').toString('base64url');
  assert.deepEqual(readShareHash(`#session=${notJson}`), { error: 'the shared session is damaged: it is not JSON' });
  const array = Buffer.from('[1, 2]').toString('base64url');
  assert.deepEqual(readShareHash(`#session=${array}`), { error: 'the shared session is damaged: expected a JSON object' });
  const long = `#session=${'A'.repeat(kMaxShareLength + 1)}`;
  assert.match(readShareHash(long).error, /^the shared session is too long/);
});

test('the autosave round-trips, and a damaged one is removed', () => {
  const storage = memoryStorage();
  assert.equal(loadAutosave(storage), null);
  const saved = { session: kSession, precision: 6, columns: ['w', 'loss'], selectedStep: 2, ratesText: '0.1, 5' };
  assert.equal(saveAutosave(storage, saved), true);
  assert.deepEqual(loadAutosave(storage), { saved });
  storage.setItem(kAutosaveKey, '{"session": ');
  assert.deepEqual(loadAutosave(storage), { error: 'the session saved in this browser could not be read' });
  assert.equal(storage.getItem(kAutosaveKey), null);
  storage.setItem(kAutosaveKey, '{"precision": 4}');
  assert.ok(loadAutosave(storage).error);
  saveAutosave(storage, saved);
  clearAutosave(storage);
  assert.equal(loadAutosave(storage), null);
});

test('storage that is full or switched off loses nothing on the page', () => {
  const storage = memoryStorage({ broken: true });
  assert.equal(saveAutosave(storage, { session: kSession }), false);
  assert.equal(loadAutosave(storage), null);
  assert.doesNotThrow(() => clearAutosave(storage));
});

test('the session kept aside while a link is shown: kept apart from the autosave, read back, removed', () => {
  const storage = memoryStorage();
  const mine = { session: kSession, precision: 6, columns: ['w', 'loss'], selectedStep: 2 };
  assert.equal(loadKept(storage), null);
  assert.equal(keepSession(storage, mine), true);
  assert.deepEqual(loadKept(storage), { saved: mine });
  assert.equal(loadAutosave(storage), null, 'the autosave is untouched');
  assert.notEqual(kKeptKey, kAutosaveKey);
  storage.setItem(kKeptKey, '{"no": "session"}');
  assert.equal(loadKept(storage), null, 'a damaged copy is no session');
  storage.setItem(kKeptKey, 'not json');
  assert.equal(loadKept(storage), null);
  clearKept(storage);
  assert.equal(storage.getItem(kKeptKey), null);
  const broken = memoryStorage({ broken: true });
  assert.equal(keepSession(broken, mine), false);
  assert.equal(loadKept(broken), null);
  clearKept(broken);
  assert.equal(loadKept(null), null, 'no storage at all');
});

test('the same session is the same work; another number or step count is not', () => {
  assert.equal(sameSession(kSession, JSON.parse(JSON.stringify(kSession))), true);
  assert.equal(sameSession(kSession, { ...kSession, steps: 4 }), false);
  assert.equal(sameSession(kSession, { ...kSession, optimizer: { name: 'sgd', learning_rate: 1 } }), false);
});
