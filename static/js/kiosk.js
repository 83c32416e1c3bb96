// Counter kiosk: back to the start screen after a period without touches or typing.
// The page's meta refresh is the fallback when scripts are off (it ignores activity).
(function () {
  var idle = parseInt(document.body.getAttribute("data-idle"), 10) || 60;
  var home = document.body.getAttribute("data-home") || "/kiosk";
  var timer;
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () { window.location.replace(home); }, idle * 1000);
  }
  ["pointerdown", "keydown", "input", "touchstart"].forEach(function (name) {
    document.addEventListener(name, arm, { passive: true });
  });
  arm();
})();
