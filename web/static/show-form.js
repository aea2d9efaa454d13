// A select whose choice changes the form below it (Layanan on /tiket/ajukan) shows that
// form at once: the select's "Tampilkan formulirnya" button (a submit that stays for pages
// without JavaScript) is pressed for the user, so that a phone user who only changed the
// choice does not send the previous service's fields and lose them to "wajib diisi". The
// button posts the form, which the server shows again without starting anything: what was
// typed stays in the fields and never goes into a URL.
(function () {
  document.querySelectorAll("select[data-shows]").forEach(function (select) {
    var button = document.getElementById(select.getAttribute("data-shows"));
    if (!button) { return; }
    select.addEventListener("change", function () { button.click(); });
  });
})();
