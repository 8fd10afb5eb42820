/* issue 12: after logging out of Pramern, go on to the OpenID Connect provider's logout page.
 * A link followed by script, not a redirect of the logout form: the Content-Security-Policy's
 * form-action 'self' forbids a form's redirect to another site. Without script, the link stays. */
(function () {
  "use strict";
  const link = document.getElementById("oidc-logout");
  if (link instanceof HTMLAnchorElement) {
    window.location.replace(link.href);
  }
})();
