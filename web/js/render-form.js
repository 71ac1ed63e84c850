// Writes the form from the state: field texts, inline messages, which buttons can be used.
// Computes nothing; text goes in through textContent and attributes only.

/// Shows each field's text (only where it differs, so typing is never disturbed).
export function renderFields(inputs, fields) {
  for (const [key, input] of Object.entries(inputs)) {
    if (input.value !== fields[key]) input.value = fields[key];
  }
}

/// Marks the fields in `errors` invalid, with the message next to them; clears the others.
export function renderFieldErrors(inputs, errors) {
  for (const [key, input] of Object.entries(inputs)) {
    showFieldError(input, errors[key]);
  }
}

/// A core message about a field, whose head is the core's name for it ("scale: expected …",
/// "fit.epochs: …", "digits.hidden[1]: …"), under the field's own `name` ("weight scale s:
/// expected …"): what every page shows under a field. Without a name or a head, as it is. (Every
/// page loads this module, so the trainer's, digits' and explorer's state modules take it here.)
export function messageForField(message, name) {
  const text = String(message);
  const colon = text.indexOf(': ');
  const label = String(name ?? '').trim();
  return colon > 0 && label ? `${label}${text.slice(colon)}` : text;
}

/// The core's message about `input` under the text of the input's label (messageForField): the
/// explorer's and the wired page's boxes are named by their labels.
export function messageAtLabel(message, input) {
  return messageForField(message, input.labels?.[0]?.textContent);
}

/// One field's message, `<id>-error`, linked by aria-describedby while it is shown. A message
/// that appears is scrolled into view if it is not (the least scroll that shows it): under a
/// field at the bottom of a phone's screen it would otherwise be below the fold.
export function showFieldError(input, message) {
  const note = input.ownerDocument.getElementById(`${input.id}-error`);
  if (message) {
    const appears = note.hidden;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', note.id);
    note.textContent = message;
    note.hidden = false;
    if (appears) note.scrollIntoView?.({ block: 'nearest' });
  } else {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
    note.textContent = '';
    note.hidden = true;
  }
}

/// Enables the buttons that can act now and says why the others cannot.
/// `view` is `{ ready, invalid, stepsShown, stoppedAt, tutoring }`: the engine is loaded, some
/// field is invalid, how many steps are shown, the step at which training diverged (or null),
/// and whether the tutor is hiding the next step.
export function renderControls(controls, view) {
  const { ready, invalid, stepsShown, stoppedAt, tutoring = false } = view;
  const stopped = stoppedAt !== null && stepsShown >= stoppedAt;
  controls.step.disabled = !ready || invalid || stopped || tutoring;
  controls.run.disabled = !ready || invalid || stopped || tutoring;
  controls.back.disabled = !ready || invalid || stepsShown === 0;
  controls.reset.disabled = !ready || invalid || stepsShown === 0;
  for (const button of controls.presets) button.disabled = !ready;

  let note = '';
  if (ready && invalid) {
    note = 'Step, Run 10 steps, Back and Reset wait until every field holds a valid value; '
      + 'the table still shows the last valid one.';
  } else if (ready && tutoring && !stopped) {
    note = `The tutor is hiding step ${stepsShown + 1}: work it out in the Tutor panel, or stop the tutor to use Step again.`;
  } else if (ready && stopped) {
    note = 'No more steps can be computed after a divergence: change a value, or press Back or Reset.';
  }
  controls.note.textContent = note;
  controls.note.hidden = note === '';
}

/// The one status line: loading, engine errors. `kind` is 'info' or 'error'. An empty message
/// leaves the live region in place (CSS collapses it) so the next message is announced.
export function renderStatus(element, message, kind = 'info') {
  element.textContent = message;
  element.classList.toggle('is-error', kind === 'error' && message !== '');
}
