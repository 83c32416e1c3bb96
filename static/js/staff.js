/* Staff pages: keyboard access to the queue. Everything works without it.
   "/" jumps to the search box (as on many sites; from another staff page, to the queue's);
   in the result table the arrow keys move between dossier links and Enter opens the one
   focused (a link's own behaviour). */
(function () {
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/" && !typing(document.activeElement)) {
      var box = document.querySelector("[data-shortcut='/']");
      event.preventDefault();
      if (box) { box.focus(); box.select(); }
      else if (document.body.dataset.queue) { window.location.assign(document.body.dataset.queue + "#q"); }
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(document.querySelectorAll("a.row-link"));
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    var fromBox = document.activeElement && document.activeElement.id === "q";
    if (at < 0 && !fromBox) return;
    event.preventDefault();
    var next = at < 0 ? 0 : Math.max(0, Math.min(links.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)));
    links[next].focus();
  });
})();
