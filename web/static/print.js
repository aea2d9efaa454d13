// The "Cetak" button of the SOP document (a file of its own: the CSP allows no inline script):
// hidden in the markup, shown once it can print (without JavaScript it would do nothing).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
  button.hidden = false;
});
