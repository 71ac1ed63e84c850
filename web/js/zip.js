// A zip archive of text files, written in the browser (the instructor page's "Download all"):
// stored entries (no compression: the sheets are small and the archive must open everywhere),
// each with its CRC-32, UTF-8 names (flag bit 11), and a fixed date (1980-01-01), so the same
// files give the same bytes. PKWARE's APPNOTE 6.3.10, sections 4.3.7, 4.3.12 and 4.3.16.

const kCrcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/// CRC-32 (the polynomial of zip, gzip and PNG) of `bytes`.
export function crc32(bytes) {
  let c = 0xFFFFFFFF;
  for (const b of bytes) c = kCrcTable[(c ^ b) & 0xFF] ^ (c >>> 8);
  return (c ^ 0xFFFFFFFF) >>> 0;
}

const kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01, the first date zip can hold
const kUtf8Names = 0x0800;

/// The zip archive of `files` ([{ name, text }], in order) as bytes. Throws an Error for more
/// than 65535 files or 4 GB (which the page never makes).
export function zipFiles(files) {
  if (files.length > 0xFFFF) throw new Error(`zip: at most 65535 files, got ${files.length}`);
  const encoder = new TextEncoder();
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, text } of files) {
    const nameBytes = encoder.encode(name);
    const data = encoder.encode(text);
    const crc = crc32(data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);  // version needed: 2.0
    local.setUint16(6, kUtf8Names, true);
    local.setUint16(8, 0, true);   // stored
    local.setUint16(10, 0, true);  // time 00:00
    local.setUint16(12, kDosDate, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, data.length, true);
    local.setUint16(26, nameBytes.length, true);
    local.setUint16(28, 0, true);
    locals.push(new Uint8Array(local.buffer), nameBytes, data);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 20, true);
    central.setUint16(6, 20, true);
    central.setUint16(8, kUtf8Names, true);
    central.setUint16(10, 0, true);
    central.setUint16(12, 0, true);
    central.setUint16(14, kDosDate, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, data.length, true);
    central.setUint32(24, data.length, true);
    central.setUint16(28, nameBytes.length, true);
    // extra, comment, disk, internal and external attributes: 0
    central.setUint32(42, offset, true);
    centrals.push(new Uint8Array(central.buffer), nameBytes);
    offset += 30 + nameBytes.length + data.length;
    if (offset > 0xFFFFFFFF) throw new Error('zip: the files add up to more than 4 GB');
  }
  const centralSize = centrals.reduce((n, part) => n + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  const parts = [...locals, ...centrals, new Uint8Array(end.buffer)];
  const out = new Uint8Array(offset + centralSize + 22);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
