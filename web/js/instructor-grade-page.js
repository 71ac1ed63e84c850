// The entry of web/instructor.html's grading section: the checker's module loaded on first use
// (loader.js), the section wired by instructor-grade.js.
import { checkerLoader } from './loader.js';
import { initGradeSection } from './instructor-grade.js';

const section = document.getElementById('grade-section');
if (section) initGradeSection(section, checkerLoader(document));
