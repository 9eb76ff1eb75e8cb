// Tells the service that a person opened their link (the manager then reads "opened").
// A GET never writes, and mail scanners that fetch links run no script.
(function () {
  var marked = document.querySelector("[data-opened-url]");
  if (marked && navigator.sendBeacon) {
    navigator.sendBeacon(marked.getAttribute("data-opened-url"));
  }
})();
