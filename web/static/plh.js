// Plh/Plt form: the Peran follows the official chosen (his roles, the likely one selected),
// the Jenis is Plt for an official whose account is disabled (his post is empty) and back
// to Plh for the next one chosen, and the official is not offered as his own substitute
// (the one chosen before is offered again). Without JavaScript the button
// "Tampilkan peran pejabat ini" asks the server for the same.
(function () {
  var official = document.getElementById("official");
  var role = document.getElementById("role");
  var substitute = document.getElementById("substitute");
  if (!official || !role || !official.getAttribute("data-roles")) { return; }
  var rolesOf = JSON.parse(official.getAttribute("data-roles"));
  // Removed, not hidden: as the form's first submit button it would take the Enter key,
  // which must record the Plh/Plt ("Catat").
  var button = document.getElementById("show-roles");
  if (button) { button.remove(); }

  // Jenis switched to Plt for a vacant post (by the server, or here), not by the user.
  var madePlt = Boolean(rolesOf[official.value] && rolesOf[official.value].vacant);

  function follow() {
    var found = rolesOf[official.value];
    var kind = document.getElementById("kind");
    if (found && kind) {
      if (found.vacant) {  // a disabled account's empty post
        madePlt = madePlt || kind.value !== "Plt";
        kind.value = "Plt";
      } else if (madePlt) {
        kind.value = "Plh";
        madePlt = false;
      }
    }
    if (found) {
      role.replaceChildren();
      found.roles.forEach(function (name) {
        var option = document.createElement("option");
        option.textContent = name;
        option.selected = name === found["default"];
        role.appendChild(option);
      });
    }
    if (substitute) {
      Array.prototype.forEach.call(substitute.options, function (option) {
        var same = option.value !== "" && option.value === official.value;
        option.hidden = same;
        option.disabled = same;
        if (same && option.selected) { substitute.value = ""; }
      });
    }
  }

  official.addEventListener("change", follow);
  if (official.value) {
    var keep = role.value;
    follow();
    if (keep && rolesOf[official.value] && rolesOf[official.value].roles.indexOf(keep) !== -1) {
      role.value = keep;
    }
  }
})();
