// Keeping a session: the share link (the session in the URL fragment) and the autosave in the
// browser's storage. Only decoding and shape checks here; the engine validates the session
// itself (main.js runs it with the page's limits before anything is shown).

/// The fragment key of a shared session: #session=<base64url of the session's JSON>.
export const kShareKey = 'session';
/// The storage key of the autosave.
export const kAutosaveKey = 'nntutor.autosave.v1';
/// The longest fragment read: a page-sized session with 8 × 32 units fits well within it.
export const kMaxShareLength = 400000;

function toBase64Url(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('it holds characters that are not base64url');
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary;
  try {
    binary = atob(padded);
  } catch {
    throw new Error('it is not valid base64url');
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/// The fragment ("#session=…") that holds `session`.
export function shareHash(session) {
  return `#${kShareKey}=${toBase64Url(new TextEncoder().encode(JSON.stringify(session)))}`;
}

/// Reads a location fragment: `null` when it holds no shared session, else `{ session }` (a
/// JSON object, not yet validated by the engine) or `{ error }` saying what is wrong with it.
export function readShareHash(hash) {
  const text = String(hash ?? '').replace(/^#/, '');
  if (text === '') return null;
  const prefix = `${kShareKey}=`;
  if (!text.startsWith(prefix)) {
    return { error: `the link's fragment is not a shared session (expected #${kShareKey}=…)` };
  }
  const payload = text.slice(prefix.length);
  if (payload.length > kMaxShareLength) {
    return { error: `the shared session is too long (${payload.length} characters; at most ${kMaxShareLength})` };
  }
  let bytes;
  try {
    bytes = fromBase64Url(payload);
  } catch (e) {
    return { error: `the shared session is damaged: ${e.message}` };
  }
  let json;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: 'the shared session is damaged: it is not UTF-8 text' };
  }
  let session;
  try {
    session = JSON.parse(json);
  } catch {
    return { error: 'the shared session is damaged: it is not JSON' };
  }
  if (!session || typeof session !== 'object' || Array.isArray(session)) {
    return { error: 'the shared session is damaged: expected a JSON object' };
  }
  return { session };
}

/// Writes the autosave: `{ session, precision, columns, selectedStep, ratesText,
/// reportDescription }` (older saves lack the last fields; readers check each one). Storage
/// that is full or switched off is not an error worth interrupting a student for: returns false.
export function saveAutosave(storage, saved) {
  try {
    storage.setItem(kAutosaveKey, JSON.stringify(saved));
    return true;
  } catch {
    return false;
  }
}

/// Reads the autosave: `null` when there is none, `{ saved }`, or `{ error }` when it cannot be
/// read (then it is removed, so the next reload starts clean).
export function loadAutosave(storage) {
  let text;
  try {
    text = storage.getItem(kAutosaveKey);
  } catch {
    return null;
  }
  if (text === null) return null;
  try {
    const saved = JSON.parse(text);
    if (!saved || typeof saved !== 'object' || !saved.session || typeof saved.session !== 'object') {
      throw new Error('no session in it');
    }
    return { saved };
  } catch {
    clearAutosave(storage);
    return { error: 'the session saved in this browser could not be read' };
  }
}

/// Removes the autosave.
export function clearAutosave(storage) {
  try {
    storage.removeItem(kAutosaveKey);
  } catch {
    // Storage switched off: there is nothing to remove.
  }
}

/// The storage key of the student's own session while a link's session is shown: the autosave
/// as it was when a share link opened, kept until "Back to my session" brings it back.
export const kKeptKey = 'nntutor.kept.v1';

/// Keeps `saved` (an autosave's value) aside under kKeptKey. Returns false when storage refuses.
export function keepSession(storage, saved) {
  try {
    storage.setItem(kKeptKey, JSON.stringify(saved));
    return true;
  } catch {
    return false;
  }
}

/// The kept session (`{ saved }` shaped like an autosave), or null when there is none or it
/// cannot be read.
export function loadKept(storage) {
  try {
    const text = storage.getItem(kKeptKey);
    if (text === null) return null;
    const saved = JSON.parse(text);
    return saved && typeof saved === 'object' && saved.session && typeof saved.session === 'object' ? { saved } : null;
  } catch {
    return null;
  }
}

/// Removes the kept session.
export function clearKept(storage) {
  try {
    storage.removeItem(kKeptKey);
  } catch {
    // Storage switched off: there is nothing to remove.
  }
}

/// Whether two sessions (as autosaved: the engine's normalised JSON with `steps`) are the same
/// work: then opening a link loses nothing and nothing needs keeping.
export function sameSession(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
