/* Uploads made for 3G (issue #17), on the pages with <form data-upload> only.
   Before sending: the type and size are checked, photos are shrunk in the browser (JPEG,
   long side at most 2000 px, about 300 KB). While sending: "Đang tải lên…" with the bytes
   sent. A dropped connection keeps everything chosen: "Thử lại" sends it again.
   Without JavaScript the form posts as it is; the server judges every file either way. */
(function () {
  "use strict";
  var LONG_SIDE = 2000, TARGET = 300 * 1024;
  var TYPES = {"application/pdf": 1, "image/jpeg": 1, "image/png": 1};
  var EXTENSIONS = {pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png"};

  function size(bytes) {
    return bytes < 1024 * 1024 ? Math.max(1, Math.round(bytes / 1024)) + " KB"
      : (bytes / 1024 / 1024).toFixed(1).replace(".", ",") + " MB";
  }

  function typeOf(file) {
    if (TYPES[file.type]) return file.type;
    return EXTENSIONS[(file.name.split(".").pop() || "").toLowerCase()] || "";
  }

  function note(input, text, isError) {
    var id = input.id + "-js", p = document.getElementById(id);
    if (!p) {
      p = document.createElement("p");
      p.id = id;
      input.parentNode.insertBefore(p, input.nextSibling);
    }
    p.className = isError ? "error" : "hint";
    p.textContent = text;
    if (isError) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  }

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, {imageOrientation: "from-image"});
    }
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = reject;
      img.src = URL.createObjectURL(file);
    });
  }

  function encode(canvas, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
  }

  /* The photo as a JPEG of at most LONG_SIDE px, lowering the quality, then the size,
     until it is near TARGET; the original when it is already small. */
  function shrink(file) {
    return decode(file).then(function (image) {
      var w = image.width, h = image.height, scale = Math.min(1, LONG_SIDE / Math.max(w, h));
      if (scale === 1 && file.size <= TARGET) return file;
      var canvas = document.createElement("canvas"), quality = 0.8;
      function attempt() {
        canvas.width = Math.round(w * scale);
        canvas.height = Math.round(h * scale);
        var context = canvas.getContext("2d");
        context.fillStyle = "#fff";  /* transparent PNG areas become white, not black */
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        return encode(canvas, quality).then(function (blob) {
          if (blob.size <= TARGET || (quality <= 0.5 && scale <= 0.4)) return blob;
          if (quality > 0.5) quality -= 0.15; else scale *= 0.8;
          return attempt();
        });
      }
      return attempt().then(function (blob) {
        var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
        return blob.size < file.size ? new File([blob], name, {type: "image/jpeg"}) : file;
      });
    });
  }

  function setUp(form) {
    var limit = Number(form.getAttribute("data-max-bytes"));
    var prepared = {};  /* input name -> Promise of the file to send (or null: none) */
    var status = document.getElementById("upload-status");
    var button = form.querySelector("button[type=submit]");

    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      input.addEventListener("change", function () {
        var file = input.files[0];
        delete prepared[input.name];
        if (!file) return;
        var type = typeOf(file);
        if (!type) {
          note(input, "Chỉ nhận tệp PDF, JPEG hoặc PNG. Vui lòng chọn tệp khác.", true);
          input.value = "";
          return;
        }
        var ready = type === "application/pdf" ? Promise.resolve(file)
          : (note(input, "Đang thu nhỏ ảnh…"), shrink(file).catch(function () { return file; }));
        prepared[input.name] = ready.then(function (chosen) {
          if (chosen.size > limit) {
            note(input, "Tệp quá lớn (" + size(chosen.size) + "): mỗi tệp tối đa " + size(limit) +
              ". Hãy chụp lại hoặc chọn tệp nhỏ hơn.", true);
            input.value = "";
            return null;
          }
          note(input, chosen === file ? "Sẵn sàng gửi: " + size(file.size) + "."
            : "Ảnh đã thu nhỏ để gửi nhanh: " + size(file.size) + " → " + size(chosen.size) + ".");
          return chosen;
        });
      });
    });

    function show(html) {
      status.hidden = false;
      status.innerHTML = html;
    }

    function send(body) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (e) {
        var total = e.lengthComputable ? e.total : 0;
        show("<p><strong>Đang tải lên…</strong> <span id=\"upload-bytes\">" + size(e.loaded) +
          (total ? " / " + size(total) : "") + "</span></p>" +
          (total ? "<progress max=\"" + total + "\" value=\"" + e.loaded + "\"></progress>" : ""));
      };
      xhr.onload = function () {
        if (xhr.status >= 500 || !xhr.responseText) return failed(body);
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = page.querySelector("main");
        if (!main) return failed(body);
        document.title = page.title;
        document.querySelector("main").innerHTML = main.innerHTML;
        if (xhr.responseURL && xhr.responseURL !== location.href) {
          history.pushState(null, "", xhr.responseURL);
        }
        window.scrollTo(0, 0);
        start();
        if (window.htmx) window.htmx.process(document.querySelector("main"));
      };
      xhr.onerror = xhr.onabort = xhr.ontimeout = function () { failed(body); };
      button.disabled = true;
      show("<p><strong>Đang tải lên…</strong></p>");
      xhr.send(body);
    }

    function failed(body) {
      button.disabled = false;
      show("<p class=\"error\">Mất kết nối khi tải lên. Thông tin và tệp đã chọn vẫn còn: " +
        "bấm “Thử lại” khi có sóng.</p><button type=\"button\" id=\"upload-retry\">Thử lại</button>");
      document.getElementById("upload-retry").addEventListener("click", function () { send(body); });
    }

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.Promise) return;  /* old browser: a plain post */
      event.preventDefault();
      var names = Object.keys(prepared);
      Promise.all(names.map(function (name) { return prepared[name]; })).then(function (files) {
        var body = new FormData(form);
        names.forEach(function (name, i) {
          if (files[i]) body.set(name, files[i], files[i].name);
          else body.delete(name);
        });
        send(body);
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), setUp);
  }

  window.addEventListener("popstate", function () { location.reload(); });
  start();
})();
