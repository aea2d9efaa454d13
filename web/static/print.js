// The "Cetak" button of the SOP document (a file of its own: the CSP allows no inline script).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
