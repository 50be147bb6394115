// Swagger UI on the API reference page (/api/v1/docs). A static file, not an inline script,
// so the page keeps the platform's content security policy. No validator badge: it would
// send the document to a server outside the platform.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec"),
    domNode: root,
    validatorUrl: null,
    deepLinking: false,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
  // Swagger UI's selects (server, response type) have no label: name each by its nearest
  // heading or its title, so a screen reader says what it chooses.
  function labelSelects() {
    root.querySelectorAll("select:not([aria-label])").forEach(function (select) {
      var box = select.closest("label, .servers, .response-control-media-type, .content-type-wrapper");
      var text = (select.title || (box && box.textContent) || "").trim().split("\n")[0];
      select.setAttribute("aria-label", text || select.className || "select");
    });
  }
  new MutationObserver(labelSelects).observe(root, { childList: true, subtree: true });
  labelSelects();
})();
