/* Pramern's page behaviour, kept out of the templates: the Content-Security-Policy runs no inline
 * script or event-handler attribute. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    /* the language switch: choosing a language sends its form (a button stays for no-script) */
    const select = event.target;
    if (select instanceof HTMLSelectElement && select.hasAttribute("data-submit-on-change") && select.form) {
      select.form.submit();
    }
  });
})();
