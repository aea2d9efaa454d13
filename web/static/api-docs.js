// /api/v1/docs: Swagger UI over /api/v1/openapi.json (a file, since the CSP forbids
// inline scripts).
(function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: true });
})();
