// The configurator: pick a combination, fetch the JSON that `build` rendered for it when the site was built, and
// show its files. Selecting and showing only: every file comes from the real generator.
(function () {
  "use strict";
  var root = document.getElementById("irc-configurator");
  if (!root) return;
  var base = root.getAttribute("data-base");
  var form = root.querySelector("form");
  var output = root.querySelector(".irc-config-output");
  var status = root.querySelector(".irc-config-status");
  var index = null;
  var current = null;

  function fetchJson(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  function option(select, value, title) {
    var item = document.createElement("option");
    item.value = value;
    item.textContent = title;
    select.appendChild(item);
  }

  function key() {
    return index.order.map(function (name) { return form.elements[name].value; }).join("--");
  }

  function fileBlock(name, text) {
    var section = document.createElement("section");
    section.className = "irc-config-file";
    section.setAttribute("data-file", name);
    var head = document.createElement("div");
    head.className = "irc-config-file__head";
    var title = document.createElement("code");
    title.textContent = name;
    var copy = document.createElement("button");
    copy.type = "button";
    copy.className = "md-button irc-config-copy";
    copy.textContent = "Copy";
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(text).then(function () {
        copy.textContent = "Copied";
        setTimeout(function () { copy.textContent = "Copy"; }, 1500);
      });
    });
    var download = document.createElement("a");
    download.className = "md-button irc-config-download";
    download.textContent = "Download";
    download.download = name.split("/").pop();
    download.href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    head.appendChild(title);
    head.appendChild(copy);
    head.appendChild(download);
    var pre = document.createElement("pre");
    var code = document.createElement("code");
    code.textContent = text;
    pre.appendChild(code);
    section.appendChild(head);
    section.appendChild(pre);
    return section;
  }

  function show(data) {
    output.textContent = "";
    output.appendChild(fileBlock("redis-values.yaml", data.values));
    if (data.findings.length) {
      var list = document.createElement("ul");
      list.className = "irc-config-findings";
      data.findings.forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      output.appendChild(list);
    }
    Object.keys(data.files).forEach(function (name) {
      output.appendChild(fileBlock(name, data.files[name]));
    });
  }

  function update() {
    var wanted = key();
    current = wanted;
    status.textContent = "Loading " + wanted + " ...";
    fetchJson(base + wanted + ".json").then(function (data) {
      if (current !== wanted) return;
      show(data);
      root.setAttribute("data-shown", wanted);
      status.textContent = Object.keys(data.files).length + " files for " + wanted.split("--").join(", ");
    }, function (error) {
      status.textContent = "Could not load " + wanted + ": " + error.message;
    });
  }

  fetchJson(base + "index.json").then(function (data) {
    index = data;
    index.order.forEach(function (name) {
      var select = form.elements[name];
      data.dimensions[name].forEach(function (pair) { option(select, pair[0], pair[1]); });
      select.value = data.default[name];
      select.addEventListener("change", update);
    });
    update();
  }, function (error) {
    status.textContent = "Could not load the configurator's data: " + error.message;
  });
})();
