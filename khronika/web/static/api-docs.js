// Starts Swagger UI on /api/docs (see khronika/web/api_docs.py). A file, not
// an inline script, so that the page's CSP can refuse every inline script.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  var csrfToken = root.getAttribute("data-csrf-token");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    validatorUrl: null,          // the default badge asks validator.swagger.io: no requests elsewhere
    requestInterceptor: function (request) {
      if (csrfToken && !/^(GET|HEAD|OPTIONS)$/i.test(request.method || "GET")) {
        request.headers["X-CSRF-Token"] = csrfToken;
      }
      return request;
    }
  });
});
