// A refused form comes back with the first thing to mend in view: the page opens at the
// first field marked invalid (focused, so a screen reader reads its message, and its message
// in view) or, where no field carries the mark, at the first error message (a field's, or a
// box of them). On a phone the refused field is often screens below the top, and a page that
// opens at the top looks as if nothing happened.
(function () {
  if (window.location.hash) { return; }
  var content = document.getElementById("isi");
  if (!content) { return; }
  var first = content.querySelector('[aria-invalid="true"]') ||
    content.querySelector('.field-error, .errors[role="alert"]');
  if (!first) { return; }
  first.scrollIntoView({ block: "center" });
  // Its message too (a box of reasons below the field), moving as little as it needs.
  var described = first.getAttribute("aria-describedby");
  var message = described && document.getElementById(described);
  if (message) { message.scrollIntoView({ block: "nearest" }); }
  if (first.matches("input, select, textarea, button")) { first.focus({ preventScroll: true }); }
})();
