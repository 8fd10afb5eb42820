/* Evidence with a record (templates/assessments/_evidence_inputs.html): files picked or dropped
 * are checked here before anything is sent (type by name, size), from the limits the server
 * writes into data- attributes, so that browser and server agree; the server checks again, from
 * the content. Refused files are taken out of the list and named with the reason. htmx sends the
 * form through XMLHttpRequest: its upload progress moves the bar. Without JavaScript the form
 * posts as usual. No inline script or style: the Content-Security-Policy allows neither. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function sizeText(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  /* The files the server would take, in order, and a message per file it would refuse. */
  function check(zone, files) {
    const data = zone.dataset;
    const extensions = data.extensions.split(",");
    const maxFile = Number(data.maxFileBytes);
    const maxTotal = Number(data.maxTotalBytes);
    const mb = String(Math.round(maxFile / 1024 / 1024));
    const accepted = [];
    const refused = [];
    let total = 0;
    files.forEach(function (file) {
      const dot = file.name.lastIndexOf(".");
      const extension = dot > 0 ? file.name.slice(dot + 1).toLowerCase() : "";
      const values = { name: file.name, mb: mb };
      if (extensions.indexOf(extension) < 0) refused.push(fill(data.textType, values));
      else if (file.size === 0) refused.push(fill(data.textEmpty, values));
      else if (file.size > maxFile) refused.push(fill(data.textSize, values));
      else if (total + file.size > maxTotal) refused.push(fill(data.textTotal, values));
      else {
        accepted.push(file);
        total += file.size;
      }
    });
    return { accepted: accepted, refused: refused };
  }

  function show(zone, files, refused) {
    const list = zone.querySelector(".chosen-files");
    list.replaceChildren();
    files.forEach(function (file, index) {
      const item = document.createElement("li");
      item.textContent = file.name + " · " + sizeText(file.size) + " ";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link";
      remove.dataset.removeFile = String(index);
      remove.textContent = zone.dataset.textRemove;
      item.appendChild(remove);
      list.appendChild(item);
    });
    const box = zone.querySelector(".file-refused");
    box.replaceChildren();
    if (refused.length) {
      const head = document.createElement("p");
      head.textContent = zone.dataset.textRefused;
      const items = document.createElement("ul");
      refused.forEach(function (message) {
        const item = document.createElement("li");
        item.textContent = message;
        items.appendChild(item);
      });
      box.append(head, items);
    }
    box.hidden = refused.length === 0;
  }

  /* Keeps in the input only the files that pass; names the others. */
  function choose(zone, files) {
    const input = zone.querySelector("input[type=file]");
    const result = check(zone, files);
    const kept = new DataTransfer();
    result.accepted.forEach(function (file) {
      kept.items.add(file);
    });
    input.files = kept.files;
    show(zone, result.accepted, result.refused);
    return result.refused.length === 0;
  }

  document.addEventListener("change", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
    const zone = input.closest("[data-file-drop]");
    if (zone) choose(zone, Array.from(input.files || []));
  });

  document.addEventListener("click", function (event) {
    const button = event.target instanceof Element ? event.target.closest("[data-remove-file]") : null;
    if (!button) return;
    const zone = button.closest("[data-file-drop]");
    const input = zone.querySelector("input[type=file]");
    const files = Array.from(input.files || []);
    files.splice(Number(button.dataset.removeFile), 1);
    choose(zone, files);
  });

  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      const zone = event.target instanceof Element ? event.target.closest("[data-file-drop]") : null;
      if (!zone) return;
      event.preventDefault();
      zone.classList.add("dragging");
    });
  });
  document.addEventListener("dragleave", function (event) {
    const zone = event.target instanceof Element ? event.target.closest("[data-file-drop]") : null;
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("dragging");
  });
  document.addEventListener("drop", function (event) {
    const zone = event.target instanceof Element ? event.target.closest("[data-file-drop]") : null;
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("dragging");
    const input = zone.querySelector("input[type=file]");
    const dropped = Array.from((event.dataTransfer && event.dataTransfer.files) || []);
    choose(zone, Array.from(input.files || []).concat(dropped)); /* a drop adds to the files chosen */
  });

  /* Captured before htmx sees the submit: files that would be refused never leave the browser. */
  document.addEventListener(
    "submit",
    function (event) {
      const form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      let ok = true;
      form.querySelectorAll("[data-file-drop]").forEach(function (zone) {
        const input = zone.querySelector("input[type=file]");
        ok = choose(zone, Array.from(input.files || [])) && ok;
      });
      if (!ok) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  function progressOf(event) {
    const form = event.target instanceof Element ? event.target.closest("form") : null;
    if (!form) return null;
    const input = form.querySelector("[data-file-drop] input[type=file]");
    if (!input || !input.files || input.files.length === 0) return null;
    return form.querySelector(".upload-progress");
  }

  document.addEventListener("htmx:xhr:loadstart", function (event) {
    const box = progressOf(event);
    if (box) box.hidden = false;
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    const box = progressOf(event);
    if (!box || !event.detail.lengthComputable || !event.detail.total) return;
    const percent = Math.floor((event.detail.loaded / event.detail.total) * 100);
    box.hidden = false;
    box.querySelector("progress").value = percent;
    box.querySelector(".upload-percent").textContent = percent + "%";
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    const box = progressOf(event);
    if (box) box.hidden = true;
  });
})();
