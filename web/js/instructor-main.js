// The instructor page's wiring: the Wasm module, then one section each (instructor-<name>.js).
// A new section is one more call here and its <section> in instructor.html. The grading section
// runs on the checker's module (loaded on first use, loader.js), so it works even when the
// variants' module does not load.
import { loadInstructor } from './instructor-engine.js';
import { createVariantsSection } from './instructor-variants.js';
import { checkerLoader } from './loader.js';
import { initGradeSection } from './instructor-grade.js';

initGradeSection(document.getElementById('grade-section'), checkerLoader(document));

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
