// Forms marked data-draft keep what was typed in this tab (sessionStorage), per user and
// task (a step's completion form) or per user and process (the comment form). Posting a
// comment, taking the task or adding a file on the same page reloads it, which used to
// empty the form on a phone, and a send that fails on its way (too large, session ended,
// form gone stale in another tab) loses nothing either: back on the page, it is refilled
// with a note saying so. A step's form is never shown again once the step is done; a
// comment's draft is dropped once its text shows among the comments
// (data-draft-sent-in: where a sent text shows). Chosen files are not kept (a page cannot
// refill a file input).
(function () {
  if (!window.sessionStorage) { return; }

  function words(text) { return (text || "").replace(/\s+/g, " ").trim(); }

  function keep(form) {
    var key = "alur-draf-" + form.getAttribute("data-draft");
    var shownIn = form.getAttribute("data-draft-sent-in");

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

    function sent(draft) {
      if (!shownIn) { return false; }
      var typed = inputs().map(function (el) { return words((draft[el.name] || [])[0]); })
        .filter(Boolean).join(" ");
      return Array.prototype.some.call(document.querySelectorAll(shownIn), function (el) {
        return words(el.textContent) === typed;
      });
    }

    var stored = null;
    try { stored = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    if (stored && (!Object.keys(stored).length || sent(stored))) {
      sessionStorage.removeItem(key);
      stored = null;
    }
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
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), keep);
})();
