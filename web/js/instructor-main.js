// The instructor page's wiring: the Wasm module, then one section each (instructor-<name>.js).
// A new section (grading) is one more create…Section call here and its <section> in
// instructor.html.
import { loadInstructor } from './instructor-engine.js';
import { createVariantsSection } from './instructor-variants.js';

const status = document.getElementById('variants-status');
try {
  const instructor = await loadInstructor();
  let localStorage = null;
  try {
    localStorage = window.localStorage;
  } catch {
    localStorage = null;  // storage switched off
  }
  const page = { instructor, deps: { localStorage, location: window.location } };
  createVariantsSection(page, document);
} catch (e) {
  status.textContent = `The engine could not be loaded (${e.message}): reload the page.`;
  status.classList.add('is-error');
}
