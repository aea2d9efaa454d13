// The menu's unread badge: asks the server for the count every data-every seconds (one
// COUNT there) and shows it without a reload; stops when the session has ended.
(function () {
  var badge = document.querySelector("[data-unread]");
  if (!badge) { return; }
  var every = Math.max(Number(badge.getAttribute("data-every")) || 60, 0.2) * 1000;
  var timer = null;

  function show(answer) {
    if (answer.unread > 0) {
      badge.textContent = String(answer.unread);
      badge.setAttribute("aria-label", answer.label);
      badge.hidden = false;
    } else {
      badge.textContent = "";
      badge.removeAttribute("aria-label");
      badge.hidden = true;
    }
  }

  function ask() {
    if (document.hidden) { return; }
    fetch(badge.getAttribute("data-unread"), {credentials: "same-origin",
                                               headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.status === 401) { window.clearInterval(timer); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (answer) { if (answer) { show(answer); } })
      .catch(function () { /* offline for a moment: the next round asks again */ });
  }

  timer = window.setInterval(ask, every);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { ask(); }
  });
}());
