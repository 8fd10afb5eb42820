/* The studio's condition builder (templates/studio/item/line.html): offer only what fits the fact
 * chosen, the terms of that fact and the shapes its type allows. Without script every term and
 * shape is shown and the server refuses what does not fit. */
(function () {
  "use strict";
  function update(builder) {
    const fact = builder.querySelector("select[name=fact]");
    const shape = builder.querySelector("select[name=shape]");
    if (!fact || !shape) return;
    const offered = builder.querySelector('[data-fact-shapes="' + fact.value + '"]');
    const shapes = offered ? offered.getAttribute("data-shapes").split(" ") : [];
    Array.prototype.forEach.call(shape.options, function (option) {
      option.disabled = shapes.length > 0 && shapes.indexOf(option.value) < 0;
    });
    if (shape.selectedOptions.length && shape.selectedOptions[0].disabled) shape.value = shapes[0] || "";
    builder.querySelectorAll("input[name=terms]").forEach(function (box) {
      const mine = box.value.indexOf(fact.value + ":") === 0;
      const row = box.closest("label") || box.parentElement;
      if (row) row.hidden = !mine;
      if (!mine) box.checked = false;
    });
  }
  /* a form with data-confirm (removing a node of the tree) asks before it is sent */
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("fieldset.builder").forEach(function (builder) {
      update(builder);
      builder.addEventListener("change", function (event) {
        if (event.target.name === "fact") update(builder);
      });
    });
  });
})();
