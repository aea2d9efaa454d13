// Renders an instance's BPMN with the vendored bpmn-js viewer; marks current and done steps.
(function () {
  var box = document.getElementById("diagram");
  if (!box || !window.BpmnJS) { return; }
  var viewer = new window.BpmnJS({ container: box });
  fetch(box.dataset.src, { credentials: "same-origin" })
    .then(function (response) { return response.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get("canvas");
      canvas.zoom("fit-viewport");
      var mark = function (ids, cls) {
        ids.split(" ").filter(Boolean).forEach(function (id) {
          try { canvas.addMarker(id, cls); } catch (e) { /* step not in this diagram */ }
        });
      };
      mark(box.dataset.done, "alur-done");
      mark(box.dataset.current, "alur-current");
      mark(box.dataset.late || "", "alur-late");
    })
    .catch(function () { box.textContent = "Diagram tidak dapat ditampilkan."; });
})();
