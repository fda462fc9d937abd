// Progressive enhancement: scan without leaving the page, keep the chosen file in memory so
// "下载修改后的文件" can post it again, and accept drag-and-drop. Without JS the forms still work.
(function () {
  "use strict";
  var lastFile = null;
  document.documentElement.classList.add("js");

  function csrf(form) { var f = form.querySelector("input[name=csrf_token]"); return f ? f.value : ""; }

  function post(url, form, file) {
    var data = new FormData();
    data.append("csrf_token", csrf(form));
    data.append("file", file, file.name);
    return fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "text/html" } });
  }

  function showResult(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("result");
    var old = document.getElementById("result");
    if (fresh && old) { old.replaceWith(fresh); document.title = doc.title; bindFix(); fresh.focus(); }
  }

  function bindFix() {
    var form = document.getElementById("fix-form");
    if (!form || !lastFile) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      post(form.action, form, lastFile).then(function (response) {
        if (!response.ok) { return response.text().then(showResult); }
        return response.blob().then(function (blob) {
          var dot = lastFile.name.lastIndexOf(".");
          var name = dot > 0 ? lastFile.name.slice(0, dot) + "_已修改" + lastFile.name.slice(dot) : lastFile.name + "_已修改";
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = name;
          document.body.appendChild(link);
          link.click();
          setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("scan-form");
    var input = document.getElementById("file");
    var drop = document.getElementById("drop");
    var button = document.getElementById("scan-button");
    form.addEventListener("submit", function (event) {
      if (!input.files.length) { return; }
      event.preventDefault();
      lastFile = input.files[0];
      button.disabled = true; button.textContent = "正在检查…";
      post(form.action, form, lastFile).then(function (r) { return r.text(); }).then(showResult)
        .catch(function () { showResult('<section id="result"><div class="card status error" role="alert"><h2>无法连接检查服务</h2></div></section>'); })
        .finally(function () { button.disabled = false; button.textContent = "开始检查"; });
    });
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; form.requestSubmit(); }
    });
  });
})();
