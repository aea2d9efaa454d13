// Alur's BPMN diagrams with the vendored bpmn-js viewer. window.AlurDiagram.enhance adds
// zoom buttons (+, −, fit), keeps labels readable (the first view never zooms out below
// MIN_ZOOM; drag to pan, or on a touch screen swipe sideways, or move and pinch with two
// fingers), hides the escalation endings hung on every timer unless the box
// says data-escalations="show" (administrators), and builds a vertical list of the steps
// that phones show instead of the drawing. The #diagram box (an instance, an SOP version)
// is drawn here, marking done, current and late steps; reports.js draws the heatmap.
(function () {
  var MIN_ZOOM = 0.6;
  var english = document.documentElement.lang === "en";
  var TEXT = english
    ? { zoomIn: "Zoom in", zoomOut: "Zoom out", fit: "Fit to screen", tools: "Diagram zoom",
        steps: "Steps in order", failed: "The diagram cannot be shown.",
        done: "done", current: "in progress", late: "late" }
    : { zoomIn: "Perbesar", zoomOut: "Perkecil", fit: "Sesuaikan layar", tools: "Perbesaran diagram",
        steps: "Urutan langkah", failed: "Diagram tidak dapat ditampilkan.",
        done: "selesai", current: "sedang berjalan", late: "terlambat" };

  function button(label, symbol, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.setAttribute("aria-label", label);
    b.title = label;
    b.textContent = symbol;
    b.addEventListener("click", onClick);
    return b;
  }

  // End events reached only from boundary timers: Alur's "Eskalasi" endings.
  function escalationEndings(registry) {
    return registry.filter(function (el) {
      var incoming = el.incoming || [];
      return el.type === "bpmn:EndEvent" && incoming.length > 0 && incoming.every(function (flow) {
        return flow.source && flow.source.type === "bpmn:BoundaryEvent";
      });
    });
  }

  function hide(canvas, element) {
    canvas.addMarker(element.id, "alur-hidden");
    if (element.label) { canvas.addMarker(element.label.id, "alur-hidden"); }
  }

  // The lane the engine assigns the step to: the innermost lane listing it
  // (flowNodeRef), not the one its shape happens to be drawn in; the drawing only for a
  // file that lists it in none.
  function laneOf(registry, task) {
    var lanes = registry.filter(function (el) { return el.type === "bpmn:Lane"; });
    var listing = lanes.filter(function (el) {
      return (el.businessObject.flowNodeRef || []).indexOf(task.businessObject) >= 0
        && !(el.businessObject.childLaneSet && el.businessObject.childLaneSet.lanes.length);
    });
    var middle = task.y + task.height / 2;
    var lane = listing[0] || lanes.filter(function (el) {
      return el.y <= middle && middle <= el.y + el.height;
    })[0];
    return lane && lane.businessObject.name ? lane.businessObject.name : "";
  }

  function stepList(box, registry, marks) {
    var tasks = registry.filter(function (el) { return el.type === "bpmn:UserTask"; });
    tasks.sort(function (a, b) { return a.x - b.x || a.y - b.y; });
    var list = document.createElement("ol");
    list.className = "diagram-steps";
    list.setAttribute("aria-label", TEXT.steps);
    tasks.forEach(function (task) {
      var item = document.createElement("li");
      // A late step says too whether it is done or still in progress.
      var where = marks.current.indexOf(task.id) >= 0 ? "current"
        : marks.done.indexOf(task.id) >= 0 ? "done" : "";
      var late = marks.late.indexOf(task.id) >= 0;
      var states = [where, late ? "late" : ""].filter(Boolean);
      var state = late ? "late" : where;
      item.className = state ? "step-" + state : "";
      item.dataset.step = task.id;
      var name = document.createElement("strong");
      name.textContent = task.businessObject.name || task.id;
      item.appendChild(name);
      var lane = laneOf(registry, task);
      var detail = [lane].concat(states.map(function (mark) { return TEXT[mark]; }))
        .filter(Boolean).join(" · ");
      if (detail) { item.appendChild(document.createTextNode(" — " + detail)); }
      list.appendChild(item);
    });
    box.parentNode.insertBefore(list, box.nextSibling);
  }

  // options.list === false: no step list (the heatmap has its own, always shown).
  function enhance(box, viewer, marks, options) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    if (box.dataset.escalations !== "show") {
      escalationEndings(registry).forEach(function (end) {
        hide(canvas, end);
        (end.incoming || []).forEach(function (flow) { hide(canvas, flow); });
      });
    }
    var fit = function () {
      canvas.zoom("fit-viewport", "auto");
      if (canvas.zoom() < MIN_ZOOM) {
        canvas.zoom(MIN_ZOOM);
        var box2 = canvas.viewbox();
        canvas.viewbox({ x: box2.inner.x - 20, y: box2.inner.y - 20,
                         width: box2.width, height: box2.height });
        // Too big to fit readably: the step where the case stands is brought into view.
        var current = registry.get(((marks && marks.current) || [])[0]);
        if (current) { canvas.scrollToElement(current, 40); }
      }
    };
    var tools = document.createElement("div");
    tools.className = "diagram-tools";
    tools.setAttribute("role", "toolbar");
    tools.setAttribute("aria-label", TEXT.tools);
    tools.appendChild(button(TEXT.zoomIn, "+", function () { canvas.zoom(canvas.zoom() * 1.25); }));
    tools.appendChild(button(TEXT.zoomOut, "−", function () { canvas.zoom(canvas.zoom() / 1.25); }));
    tools.appendChild(button(TEXT.fit, "⤢", function () { canvas.zoom("fit-viewport", "auto"); }));
    box.parentNode.insertBefore(tools, box);
    if (!options || options.list !== false) {
      stepList(box, registry, marks || { done: [], current: [], late: [] });
    }
    touchMoves(box, canvas);
    fitWhenShown(box, canvas, fit);
  }

  // bpmn-js moves the drawing with a mouse only. On a touch screen one finger sideways
  // moves it (up and down still scrolls the page: touch-action pan-y in alur.css); two
  // fingers move it every way and pinch to zoom it.
  function touchMoves(box, canvas) {
    var last = null;
    var at = function (touches) {
      var first = touches[0], second = touches[1] || touches[0];
      return { x: (first.clientX + second.clientX) / 2, y: (first.clientY + second.clientY) / 2,
               apart: Math.hypot(second.clientX - first.clientX, second.clientY - first.clientY),
               fingers: touches.length };
    };
    box.addEventListener("touchstart", function (event) { last = at(event.touches); },
                         { passive: true });
    box.addEventListener("touchmove", function (event) {
      if (!last || !event.touches.length) { return; }
      var now = at(event.touches);
      if (now.fingers !== last.fingers) { last = now; return; }
      if (now.fingers === 1) {
        canvas.scroll({ dx: now.x - last.x, dy: 0 });
      } else {
        event.preventDefault();
        canvas.scroll({ dx: now.x - last.x, dy: now.y - last.y });
        if (last.apart > 0) {
          var rect = box.getBoundingClientRect();
          var zoom = Math.min(4, Math.max(0.2, canvas.zoom() * now.apart / last.apart));
          canvas.zoom(zoom, { x: now.x - rect.left, y: now.y - rect.top });
        }
      }
      last = now;
    }, { passive: false });
    box.addEventListener("touchend", function (event) {
      last = event.touches.length ? at(event.touches) : null;
    });
  }

  // A phone hides the box (the step list stands in for it) and a hidden box has no size to
  // fit into (bpmn-js would throw on a zero viewport): the fit waits until the box is shown,
  // a phone turned sideways or a window widened.
  function fitWhenShown(box, canvas, fit) {
    var shown = function () { return box.clientWidth > 0 && box.clientHeight > 0; };
    if (shown()) { fit(); return; }
    var watch = function (onChange) {
      if (window.ResizeObserver) {
        var observer = new ResizeObserver(onChange);
        observer.observe(box);
        return function () { observer.disconnect(); };
      }
      window.addEventListener("resize", onChange);
      return function () { window.removeEventListener("resize", onChange); };
    };
    var stop = watch(function () {
      if (!shown()) { return; }
      stop();
      canvas.resized();
      fit();
    });
  }

  window.AlurDiagram = { enhance: enhance };

  var box = document.getElementById("diagram");
  if (!box || !window.BpmnJS) { return; }
  if (!box.getAttribute("role")) {
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", box.dataset.label || TEXT.steps);
  }
  var viewer = new window.BpmnJS({ container: box });
  var ids = function (text) { return (text || "").split(" ").filter(Boolean); };
  var marks = { done: ids(box.dataset.done), current: ids(box.dataset.current),
                late: ids(box.dataset.late) };
  fetch(box.dataset.src, { credentials: "same-origin" })
    .then(function (response) { return response.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get("canvas");
      var mark = function (list, cls) {
        list.forEach(function (id) {
          try { canvas.addMarker(id, cls); } catch (e) { /* step not in this diagram */ }
        });
      };
      mark(marks.done, "alur-done");
      mark(marks.current, "alur-current");
      mark(marks.late, "alur-late");
      var legend = document.querySelector("[data-diagram-legend]");
      if (legend) { legend.hidden = false; }  // a legend of nothing without the diagram
      enhance(box, viewer, marks);
    })
    .catch(function () { box.textContent = TEXT.failed; });
})();
