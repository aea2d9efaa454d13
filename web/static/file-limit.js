// A file larger than the server takes (a file field's data-max-bytes, the attachment limit)
// is named beside its field before the form is sent: sent, the whole request is refused
// (413) and what was typed on the page goes with it. The server still checks every file;
// this spares the round trip and the lost form.
(function () {
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var limit = Number(input.getAttribute("data-max-bytes"));
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
      var single = files.filter(function (file) { return file.size > limit; })[0];
      var total = files.reduce(function (sum, file) { return sum + file.size; }, 0);
      // One file too large, or several that are together (one request takes the limit).
      var large = single ? single.name : (total > limit ? files.map(function (file) {
        return file.name; }).join(", ") : "");
      note.hidden = !large;
      note.textContent = large ? input.getAttribute("data-too-large").replace("{name}", large) : "";
      setOrDrop("aria-invalid", large ? "true" : invalid);
      setOrDrop("aria-describedby", large ? (note.id + " " + (described || "")).trim() : described);
      return !large;
    }

    function setOrDrop(name, value) {
      if (value) { input.setAttribute(name, value); } else { input.removeAttribute(name); }
    }

    input.addEventListener("change", fits);
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
