// Live countdowns: <span class="countdown" data-deadline="ISO8601">; colour by time left.
(function () {
  function fmt(ms) {
    var neg = ms < 0, s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var txt = (d ? d + "d " : "") + (d || h ? h + "h " : "") + m + "m";
    return neg ? "overdue " + txt : txt + " left";
  }
  function tick() {
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var left = new Date(el.dataset.deadline) - new Date();
      el.textContent = fmt(left);
      el.classList.toggle("bad", left < 0);
      el.classList.toggle("warn", left >= 0 && left < 3600 * 1000);
      el.classList.toggle("ok", left >= 3600 * 1000);
    });
  }
  tick();
  setInterval(tick, 30000);
})();
