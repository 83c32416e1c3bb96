/* Counts down the minutes left in the session on form steps (app/templates/components/
   _session_ends.html states the end time for browsers without JavaScript). */
(function () {
  var box = document.getElementById("session-ends");
  if (!box) return;
  var ends = Number(box.getAttribute("data-ends")) * 1000;
  var left = document.getElementById("session-left");
  function tick() {
    var minutes = Math.ceil((ends - Date.now()) / 60000);
    if (minutes > 0) {
      left.textContent = " (còn " + minutes + " phút)";
      if (minutes <= 10) box.className = "error-summary";
      setTimeout(tick, 30000);
    } else {
      left.textContent = " (đã hết hạn: hãy đăng nhập lại; thông tin đang nhập sẽ được giữ)";
      box.className = "error-summary";
    }
  }
  tick();
})();
