// Choices that apply at once: a select of a form marked data-apply-on-change (Kotak Masuk's
// filters) submits it; a select[data-shows] presses the button it names (Ajukan Tiket's
// Layanan, README "Layanan TI"). Chosen with the pointer or a phone's picker, at once. Chosen
// with the keys, where every arrow press changes the value, only on Enter or the form's own
// button (shown then): a keyboard user moves through the options without the page reloading
// under him at each key and his focus thrown back to the top (WCAG 3.2.2).
(function () {
  // The button a select[data-shows] presses is for pages without JavaScript, and for a
  // keyboard choice (shown again then): hidden, it no longer looks like a step to take.
  function action(select) {
    var shows = select.getAttribute("data-shows");
    if (shows) {
      var button = document.getElementById(shows);
      if (button) { button.hidden = true; }
      return button && function () { button.click(); };
    }
    var form = select.form;
    return form && form.hasAttribute("data-apply-on-change") && function () { form.submit(); };
  }

  document.querySelectorAll("select").forEach(function (select) {
    var apply = action(select);
    if (!apply) { return; }
    var keyed = false;
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); apply(); return; }
      if (event.key !== "Tab" && event.key !== "Shift") { keyed = true; }
    });
    select.addEventListener("change", function () {
      if (!keyed) { apply(); return; }
      keyed = false;
      if (select.form) {
        select.form.querySelectorAll("[data-no-js-only]").forEach(function (button) {
          button.hidden = false;
        });
      }
    });
  });
})();
