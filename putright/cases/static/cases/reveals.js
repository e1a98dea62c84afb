// Conditional reveals for GOV.UK radios (putright/templates/includes/field.html): only the chosen
// answer's questions show. GOV.UK Frontend's own Radios script does the same but sets
// aria-expanded on each radio (on every radio with aria-controls, page-wide), which ARIA 1.2 does
// not allow on role radio (axe-core: aria-allowed-attr). The revealed questions follow their
// radio directly, so they come next in reading and tab order. Without JavaScript every question
// shows, and the server ignores the answers of the choices not made.
const sync = (input) => {
  const reveal = document.getElementById(input.dataset.reveals);
  if (reveal) reveal.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
};

for (const input of document.querySelectorAll("input[type=radio][data-reveals]")) {
  sync(input);
  input.addEventListener("change", () => {
    for (const other of document.querySelectorAll(`input[type=radio][data-reveals][name="${CSS.escape(input.name)}"]`)) sync(other);
  });
}
