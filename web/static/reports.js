// Laporan: the step-duration bar chart (vendored Chart.js), the bottleneck heatmap on the
// SOP diagram (vendored bpmn-js) and the print button of Tabel 7. Works offline.
(function () {
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // A label in lines of at most `width` characters (Chart.js draws an array as lines): on a
  // phone a step's name beside its bar is otherwise cut at the canvas's left edge.
  // A word joined by "/" ("dokumentasikan/mengarsip") may break after its "/".
  function wrapped(label, width) {
    var lines = [];
    label.split(" ").forEach(function (word) {
      word.split(/(?<=\/)/).forEach(function (part, index) {
        var last = lines.length - 1;
        var joined = last >= 0 ? lines[last] + (index ? "" : " ") + part : null;
        if (joined !== null && joined.length <= width) {
          lines[last] = joined;
        } else {
          lines.push(part);
        }
      });
    });
    return lines;
  }

  var chart = data("chart-data");
  var canvas = document.getElementById("chart");
  if (chart && canvas && window.Chart) {
    var narrow = canvas.parentNode.clientWidth < 600;
    var labels = narrow ? chart.labels.map(function (label) { return wrapped(label, 18); })
      : chart.labels;
    var lines = labels.reduce(function (sum, label) {
      return sum + (Array.isArray(label) ? label.length : 1);
    }, 0);
    canvas.parentNode.style.height = Math.max(240, 60 + chart.labels.length * 32 + lines * 14) + "px";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          { label: chart.names.median, data: chart.median, backgroundColor: "#0b5cad" },
          { label: chart.names.p90, data: chart.p90, backgroundColor: "#8cb8e8" },
          { label: chart.names.standard, data: chart.standard, backgroundColor: "#a40e26" }
        ]
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        locale: document.documentElement.lang || "id",  // "1.000", as the page writes it
        scales: { x: { beginAtZero: true, title: { display: true, text: chart.names.axis } } },
        plugins: { legend: { position: "top" } }
      }
    });
  }

  // On paper the coloured map is a copy of the whole drawing scaled to the page's width
  // (its own viewBox, reports.css), shown only in print: the screen's view may be zoomed,
  // panned or cut, and a print does not wait for a drawing to be fitted again.
  function printable(box, viewer) {
    // A clone keeps bpmn-js's styles; markup parsed again would lose them to the page's
    // Content-Security-Policy (no style attributes).
    var svg = box.querySelector("svg").cloneNode(true);
    var viewport = svg.querySelector(".viewport");
    if (viewport) { viewport.removeAttribute("transform"); }
    // The drawing's extent from its shapes: a box hidden on a phone measures nothing.
    var area = extent(viewer.get("elementRegistry"));
    svg.setAttribute("viewBox", [area.x, area.y, area.width, area.height].join(" "));
    svg.setAttribute("width", area.width);
    svg.setAttribute("height", area.height);
    svg.removeAttribute("style");
    svg.querySelectorAll("[data-element-id]").forEach(function (el) {
      el.removeAttribute("data-element-id");  // the drawing's ids stay the live one's
    });
    var copy = document.createElement("div");
    copy.className = "heat-print";
    copy.setAttribute("aria-hidden", "true");
    copy.appendChild(svg);
    box.parentNode.insertBefore(copy, box.nextSibling);
  }

  function extent(registry) {
    var left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    registry.getAll().forEach(function (el) {
      var points = el.waypoints || (el.width !== undefined && !el.hidden
        ? [{ x: el.x, y: el.y }, { x: el.x + el.width, y: el.y + el.height }] : []);
      points.forEach(function (p) {
        left = Math.min(left, p.x); top = Math.min(top, p.y);
        right = Math.max(right, p.x); bottom = Math.max(bottom, p.y);
      });
    });
    var pad = 10;
    return { x: left - pad, y: top - pad, width: right - left + 2 * pad,
             height: bottom - top + 2 * pad };
  }

  var box = document.getElementById("heatmap");
  var steps = data("heatmap-data");
  if (box && steps && window.BpmnJS) {
    var viewer = new window.BpmnJS({ container: box });
    fetch(box.dataset.src, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        var overlays = viewer.get("overlays");
        if (window.AlurDiagram) { window.AlurDiagram.enhance(box, viewer, null, { list: false }); }
        Object.keys(steps).forEach(function (id) {
          var step = steps[id];
          if (!registry.get(id)) { return; }  // a step of an older version only
          canvas.addMarker(id, "alur-band-" + step.band);
          var gfx = registry.getGraphics(id);
          var title = document.createElementNS("http://www.w3.org/2000/svg", "title");
          title.textContent = step.label;
          gfx.insertBefore(title, gfx.firstChild);
          gfx.setAttribute("aria-label", step.label);
          var badge = document.createElement("div");
          badge.className = "heat-badge";
          badge.textContent = step.share;
          badge.title = step.label;
          overlays.add(id, { position: { bottom: 8, left: 4 }, html: badge });
        });
        printable(box, viewer);
        document.querySelectorAll(".heat-list [data-step]").forEach(function (item) {
          var id = item.dataset.step;
          if (!registry.get(id)) { return; }
          var on = function () { canvas.addMarker(id, "alur-focus"); };
          var off = function () { canvas.removeMarker(id, "alur-focus"); };
          item.addEventListener("focus", on);
          item.addEventListener("mouseenter", on);
          item.addEventListener("blur", off);
          item.addEventListener("mouseleave", off);
        });
      })
      .catch(function () {
        box.textContent = document.documentElement.lang === "en"
          ? "The diagram cannot be shown; see the list of steps below."
          : "Diagram tidak dapat ditampilkan; lihat daftar langkah di bawah.";
      });
  }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
    button.hidden = false;  // hidden in the markup: without JavaScript it would do nothing
  });
})();

// The period form shows only the inputs of the chosen kind of period; hidden inputs are
// disabled so they are not sent. Without JavaScript the "Ganti" button reloads the form.
(function () {
  document.querySelectorAll("form.period-form").forEach(function (form) {
    var kind = form.querySelector("[data-period-kind]");
    var change = form.querySelector(".js-hide");
    if (!kind) { return; }
    if (change) { change.hidden = true; }
    function show() {
      form.querySelectorAll("[data-for]").forEach(function (field) {
        var on = field.dataset.for.split(" ").indexOf(kind.value) >= 0;
        field.hidden = !on;
        field.querySelectorAll("input, select").forEach(function (input) { input.disabled = !on; });
      });
    }
    kind.addEventListener("change", show);
    show();
  });
})();
