// Kotak Masuk: filters that apply on change (apply-on-choice.js; the Terapkan button stays
// for pages without JavaScript and for a choice made with the keys; the search box applies on
// Enter, so that leaving it for a task link does not reload the page), keyboard shortcuts (j/k, Enter, /, x), the skip link to the first task,
// and a check every minute for new tasks that shows "Ada tugas baru" instead of reloading.
(function () {
  var page = document.querySelector(".inbox-page");
  if (!page) { return; }

  var filters = document.getElementById("saring");
  if (filters && filters.hasAttribute("data-apply-on-change")) {  // apply-on-choice.js applies
    filters.querySelectorAll("[data-no-js-only]").forEach(function (button) { button.hidden = true; });
  }

  function links() { return Array.prototype.slice.call(document.querySelectorAll("table.inbox a.task-link")); }

  var skip = document.querySelector("[data-skip-first]");
  if (skip) {
    skip.addEventListener("click", function (event) {
      var first = links()[0];
      if (first) { event.preventDefault(); first.focus(); }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName) || target.isContentEditable)) { return; }
    // Only within the task list (reached by "Lewati ke tugas pertama"): a letter typed
    // elsewhere does what the browser does with it (WCAG 2.1.4).
    if (!target || !target.closest || !target.closest("table.inbox")) { return; }
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "j" || event.key === "k") {
      if (!all.length) { return; }
      var next = event.key === "j" ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
      if (at < 0) { next = 0; }
      all[next].focus();
      event.preventDefault();
    } else if (event.key === "/") {
      var search = document.getElementById("cari");
      if (search) { search.focus(); search.select(); event.preventDefault(); }
    } else if (event.key === "x" && at >= 0) {
      var box = all[at].closest("tr").querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; event.preventDefault(); }
    }
  });

  // On a phone the bulk bar sticks to the screen's foot once a row is ticked (inbox.css):
  // a row ticked near the foot is scrolled up above it, so the tick stays in sight.
  page.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches('input[name="tugas"]') || !box.checked) { return; }
    window.requestAnimationFrame(function () {
      var bar = document.getElementById("massal");
      if (!bar || window.getComputedStyle(bar).position !== "sticky") { return; }
      var row = box.closest("tr") || box;
      var covered = row.getBoundingClientRect().bottom - bar.getBoundingClientRect().top;
      if (covered > 0) { window.scrollBy(0, covered + 8); }
    });
  });

  var url = page.getAttribute("data-version-url");
  var known = page.getAttribute("data-version");
  var notice = document.getElementById("ada-baru");
  if (url && notice && window.fetch) {
    var timer = window.setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 401) { window.clearInterval(timer); return null; }
          return response.ok ? response.json() : null;
        })
        .then(function (body) {
          if (body && body.version !== known) {
            notice.appendChild(document.getElementById("ada-baru-isi").content.cloneNode(true));
            window.clearInterval(timer);
          }
        })
        .catch(function () { /* offline for a moment: ask again next minute */ });
    }, 60000);
  }
})();
