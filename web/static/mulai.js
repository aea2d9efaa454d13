// Mulai Proses: filter the SOP list while typing in "Cari SOP" (the server filters the same
// way on ?cari= without JavaScript). Normalising must match engine.process.startable.normalise.
(function () {
  var input = document.getElementById("cari-sop");
  var count = document.getElementById("sop-count");
  var none = document.getElementById("sop-none");
  if (!input || !count) { return; }

  function normalise(text) {
    return text.toLowerCase().replace(/[-.]/g, "").replace(/[^\p{L}\p{N}_]+/gu, " ").trim()
      .split(/\s+/).filter(Boolean);
  }

  function filter() {
    var words = normalise(input.value);
    var shown = 0;
    document.querySelectorAll(".sop-group").forEach(function (group) {
      var visible = 0;
      group.querySelectorAll(".sop-item").forEach(function (item) {
        var text = item.getAttribute("data-cari") || "";
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        item.hidden = !match;
        if (match) { visible += 1; }
      });
      group.hidden = visible === 0;
      shown += visible;
    });
    var template = count.getAttribute(shown === 1 ? "data-template-one" : "data-template-other");
    count.textContent = template.replace("__N__", String(shown));
    if (none) { none.hidden = shown !== 0; }
  }

  input.addEventListener("input", filter);
})();
