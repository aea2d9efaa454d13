// A form is sent once: a second tap on its button while the first request is still on
// its way (a slow intranet, a double tap on a phone) is ignored instead of starting the
// same process twice. The button is not disabled, so its name and value (a decision)
// still go with the form. Sent again after 15 s (the request may have been stopped) and
// when the browser brings the page back from its history (Back).
(function () {
  var AGAIN_AFTER_MS = 15000;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") { return; }
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.setAttribute("aria-busy", "true");
    window.setTimeout(function () { release(form); }, AGAIN_AFTER_MS);
  });
  function release(form) {
    delete form.dataset.sent;
    form.removeAttribute("aria-busy");
  }
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(release);
  });
})();
