// A page that answers a POST (a refused form shown again, "Tampilkan formulirnya") takes
// the address of the same page as a GET in the history (its <meta name="alur-address">):
// Back to it, after the form was sent, then loads that page again instead of the browser's
// "Confirm Form Resubmission" page (ERR_CACHE_MISS), which offered to send the form twice.
(function () {
  var meta = document.querySelector('meta[name="alur-address"]');
  if (meta && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", meta.getAttribute("content"));
  }
})();
