// Reading a zip file in the browser, with no library: the central directory lists the entries,
// each stored (method 0) or deflated (method 8, inflated by the browser's own
// DecompressionStream('deflate-raw')). Enough for a folder zipped by an operating system or a
// learning platform; a zip64, encrypted or otherwise compressed entry is named as unreadable.

const kEndSignature = 0x06054b50;
const kCentralSignature = 0x02014b50;
const kLocalSignature = 0x04034b50;

/// Inflates raw deflate data with the platform's DecompressionStream.
async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/// The entries of the zip in `buffer` (an ArrayBuffer): `{ entries: [{ path, bytes } |
/// { path, error }], error }` — `error` alone when the file is no zip at all. Folders are left out.
export async function readZip(buffer) {
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  // The end record is in the last 22 + 65535 bytes (after it, a comment of up to 64 KB).
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); --i) {
    if (view.getUint32(i, true) === kEndSignature) { end = i; break; }
  }
  if (end < 0) return { entries: [], error: 'not a zip file (no end of central directory)' };
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const decoder = new TextDecoder('utf-8');
  const entries = [];
  for (let k = 0; k < count; ++k) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== kCentralSignature) {
      return { entries, error: `the zip's directory is broken at entry ${k + 1}` };
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const compressed = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const path = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    if (path.endsWith('/')) continue;
    if (flags & 1) { entries.push({ path, error: 'encrypted in the zip' }); continue; }
    if (compressed === 0xffffffff || local + 30 > bytes.length || view.getUint32(local, true) !== kLocalSignature) {
      entries.push({ path, error: 'cannot be read from the zip (zip64 or a broken entry)' });
      continue;
    }
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = bytes.subarray(start, start + compressed);
    try {
      if (method === 0) entries.push({ path, bytes: data });
      else if (method === 8) entries.push({ path, bytes: await inflate(data) });
      else entries.push({ path, error: `compressed with method ${method}, which the page cannot read (only stored or deflate)` });
    } catch (e) {
      entries.push({ path, error: `cannot be inflated (${e.message})` });
    }
  }
  return { entries };
}
