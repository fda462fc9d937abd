// Progressive enhancement: scan without leaving the page, keep the chosen file (and its workflow
// record) in memory so "下载修改后的文件" and "记录并下载记录文件" can post them again, check the file
// again with the record just downloaded so verdict, findings and status agree with it, and accept
// drag-and-drop. Without JS the forms still work (the clerk re-selects the files).
(function () {
  "use strict";
  var lastFile = null;
  var lastRecord = null;
  var carried = false; // the scan form's record input holds a record this script put there
  document.documentElement.classList.add("js");

  function csrf(form) { var f = form.querySelector("input[name=csrf_token]"); return f ? f.value : ""; }

  function post(url, form, file, record) {
    var data = new FormData();
    data.append("csrf_token", csrf(form));
    data.append("file", file, file.name);
    if (record) { data.append("record", record, record.name); }
    return fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "text/html" } });
  }

  // Swap in the result section of a page from the server; focus goes to ``focusId`` (default: the result).
  function showResult(html, focusId) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("result");
    var old = document.getElementById("result");
    if (!fresh || !old) { return; }
    old.replaceWith(fresh);
    document.title = doc.title;
    bindFix(); bindSign(); noteRecord();
    (document.getElementById(focusId || "result") || fresh).focus();
  }

  function scanKept() {
    var form = document.getElementById("scan-form");
    return post(form.action, form, lastFile, lastRecord).then(function (r) { return r.text(); });
  }

  function save(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  // Put the record in use into the scan form's record input too, so "开始检查" again keeps it.
  function keepRecord(file) {
    var input = document.getElementById("record");
    try {
      var list = new DataTransfer();
      list.items.add(file);
      input.files = list.files;
      carried = true;
    } catch (e) { input.value = ""; carried = false; }
  }

  // A record this script carried belongs to the last document, not to a newly chosen one.
  function forgetCarried() {
    if (carried) { document.getElementById("record").value = ""; carried = false; }
  }

  function noteRecord() {
    var note = document.getElementById("sign-record-note");
    if (note && lastRecord) {
      note.textContent = "未另选时，将使用「" + lastRecord.name + "」(unless you choose another, this record is used)";
    }
  }

  function bindFix() {
    var form = document.getElementById("fix-form");
    if (!form || !lastFile) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      post(form.action, form, lastFile).then(function (response) {
        if (!response.ok) { return response.text().then(function (html) { showResult(html); }); }
        return response.blob().then(function (blob) {
          var dot = lastFile.name.lastIndexOf(".");
          save(blob, dot > 0 ? lastFile.name.slice(0, dot) + "_已修改" + lastFile.name.slice(dot) : lastFile.name + "_已修改");
        });
      });
    });
  }

  function say(box, kind, lines) {
    var p = document.createElement("p");
    p.className = "note " + kind;
    p.setAttribute("role", kind === "error" ? "alert" : "status");
    p.textContent = lines.join(" ");
    box.replaceChildren(p);
  }

  // After a step is recorded: show the chain at once from the answer, then check the file again with
  // the new record so the verdict and the findings agree, and repeat the message where the clerk is.
  function signed(body, box) {
    var kind = /\.json$/i.test(body.sidecar.name) ? "application/json" : "application/yaml";
    lastRecord = new File([body.sidecar.content], body.sidecar.name, { type: kind });
    save(lastRecord, body.sidecar.name);
    keepRecord(lastRecord);
    document.getElementById("sign-record").value = "";
    document.getElementById("workflow").textContent = body.status.lines.join("\n") + "\n";
    document.getElementById("sign-step").selectedIndex = body.status.next_slot;
    noteRecord();
    var lines = ["已记录，记录文件「" + body.sidecar.name + "」已下载，请保存到原文件所在的文件夹。"].concat(body.warnings);
    say(box, "ok", lines);
    return scanKept().then(function (html) {
      showResult(html, "sign-result");
      say(document.getElementById("sign-result"), "ok", lines);
    }, function () {
      say(box, "ok", lines.concat(["（未能重新检查，请点「开始检查」 could not re-check; press 开始检查）"]));
    });
  }

  // Record a step: post the scanned file (and the chosen or last record), then `signed`.
  function bindSign() {
    var form = document.getElementById("sign-form");
    if (!form || !lastFile) { return; }
    var box = document.getElementById("sign-result");
    var recordInput = document.getElementById("sign-record");
    var button = document.getElementById("sign-button");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      data.set("file", lastFile, lastFile.name);
      if (recordInput.files.length) { lastRecord = recordInput.files[0]; }
      if (lastRecord) { data.set("record", lastRecord, lastRecord.name); }
      button.disabled = true;
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) { say(box, "error", [body.error || "无法记录 (cannot record)"]); return; }
            return signed(body, box);
          });
        })
        .catch(function () { say(box, "error", ["无法连接检查服务 (cannot reach the server)"]); })
        .finally(function () { button.disabled = false; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("scan-form");
    var input = document.getElementById("file");
    var record = document.getElementById("record");
    var drop = document.getElementById("drop");
    var button = document.getElementById("scan-button");
    input.addEventListener("change", forgetCarried);
    record.addEventListener("change", function () { carried = false; });
    form.addEventListener("submit", function (event) {
      if (!input.files.length) { return; }
      event.preventDefault();
      lastFile = input.files[0];
      lastRecord = record.files.length ? record.files[0] : null;
      button.disabled = true; button.textContent = "正在检查…";
      scanKept().then(function (html) { showResult(html); })
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
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; forgetCarried(); form.requestSubmit(); }
    });
  });
})();
