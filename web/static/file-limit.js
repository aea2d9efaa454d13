// A file larger than the server takes (a file field's data-max-bytes, the attachment limit;
// on Kelola SOP the .zip limit, and data-max-bytes-unzipped the limit of any other file),
// or attachments together larger (data-too-large-together: the files of all such fields of
// the form, as one request takes the limit), are named beside the field before the form is
// sent: sent, the whole request is refused (413) and what was typed on the page goes with
// it. The server still checks every file; this spares the round trip and the lost form.
(function () {
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var limit = Number(input.getAttribute("data-max-bytes"));
    var unzipped = Number(input.getAttribute("data-max-bytes-unzipped")) || limit;
    var note = document.createElement("p");
    note.className = "field-error";
    note.id = input.id + "-terlalu-besar";
    note.setAttribute("role", "alert");
    note.hidden = true;
    input.insertAdjacentElement("afterend", note);
    var described = input.getAttribute("aria-describedby");
    var invalid = input.getAttribute("aria-invalid");

    function fits() {
      var files = Array.prototype.slice.call(input.files || []);
      var single = files.filter(function (file) {
        return file.size > (/\.zip$/i.test(file.name) ? limit : unzipped);
      })[0];
      var large = single ? input.getAttribute("data-too-large").replace("{name}", single.name) : "";
      var together = input.getAttribute("data-too-large-together");
      if (!large && together && files.length) {
        // One request takes the limit for all the files of its form's attachment fields.
        var all = chosenInForm();
        var total = all.reduce(function (sum, file) { return sum + file.size; }, 0);
        large = total > limit ? together.replace("{names}", all.map(function (file) {
          return "\"" + file.name + "\""; }).join(", ")) : "";
      }
      note.hidden = !large;
      note.textContent = large;
      setOrDrop("aria-invalid", large ? "true" : invalid);
      setOrDrop("aria-describedby", large ? (note.id + " " + (described || "")).trim() : described);
      return !large;
    }

    function chosenInForm() {
      var fields = input.form ? input.form.querySelectorAll(
        "input[type=file][data-too-large-together]") : [input];
      return Array.prototype.reduce.call(fields, function (all, field) {
        return all.concat(Array.prototype.slice.call(field.files || []));
      }, []);
    }

    function setOrDrop(name, value) {
      if (value) { input.setAttribute(name, value); } else { input.removeAttribute(name); }
    }

    // A change in one field changes what the form's files come to together: every field's
    // note is worked out again, so none keeps naming a file no longer chosen.
    input.fileLimitCheck = fits;
    input.addEventListener("change", function () {
      (input.form ? Array.prototype.slice.call(input.form.querySelectorAll(
        "input[type=file][data-max-bytes]")) : [input]).forEach(function (field) {
        if (field.fileLimitCheck) { field.fileLimitCheck(); }
      });
    });
    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        if (fits()) { return; }
        event.preventDefault();
        event.stopPropagation();  // not "sent" (once.js): the form may go once mended
        input.focus();
      });
    }
  });
})();
