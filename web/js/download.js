// Saving and copying what the page exports: a file download or the clipboard. Text only goes
// into Blobs and the clipboard, never into the document as HTML.

/// Offers `blob` as a download named `filename`.
export function downloadBlob(filename, blob) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/// Offers `text` as a download named `filename` with media type `type`.
export function downloadText(filename, text, type = 'text/plain') {
  downloadBlob(filename, new Blob([text], { type: `${type};charset=utf-8` }));
}

/// Copies `text` to the clipboard; resolves true on success, false when the browser refuses.
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
