// A step's completion form keeps what was typed in this tab (sessionStorage): posting a
// comment, taking the task or adding a file on the same page reloads it, which used to
// empty the form on a phone, and a send that fails on its way (too large, session ended,
// busy) loses nothing either. Kept per user and task: once the step is done its form is
// never shown again; a returned step opens as a new task. Chosen files are not kept (a
// page cannot refill a file input).
(function () {
  var form = document.querySelector("form[data-draft]");
  if (!form || !window.sessionStorage) { return; }
  var key = "alur-draf-" + form.getAttribute("data-draft");

  function inputs() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !/^(file|hidden|submit|button|reset)$/.test(el.type);
    });
  }

  function save() {
    var draft = {};
    inputs().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (draft[el.name] = draft[el.name] || []).push(el.value); }
      } else if (el.value) {
        draft[el.name] = [el.value];
      }
    });
    try { sessionStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* full: not kept */ }
  }

  var stored = null;
  try { stored = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { stored = null; }
  if (form.hasAttribute("data-draft-posted")) {
    save();  // refused by the server: what it shows back is the draft now
  } else if (stored) {
    inputs().forEach(function (el) {
      var values = stored[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) >= 0;
      } else {
        el.value = values.length ? values[0] : "";
      }
    });
    var notice = document.createElement("p");
    notice.className = "hint";
    notice.setAttribute("role", "status");
    notice.textContent = form.getAttribute("data-draft-restored");
    form.insertBefore(notice, form.firstChild);
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
})();
