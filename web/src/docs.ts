// The interactive API reference served at /docs: Swagger UI from the bundled npm package (no
// CDN), reading the server's /openapi.json. A signed-in web client's access token is offered
// to "Try it out" (Authorize sets another).
import SwaggerUIBundle from "swagger-ui-dist/swagger-ui-es-bundle.js";
import "swagger-ui-dist/swagger-ui.css";
import "./docs.css";

const ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: false, // its deep links are links nested inside buttons (not accessible)
  persistAuthorization: true,
  tryItOutEnabled: false,
  validatorUrl: null, // no calls to an outside validator
  onComplete() {
    try {
      const saved = JSON.parse(localStorage.getItem("feedcore.session") ?? "null") as { accessToken?: string } | null;
      if (saved?.accessToken) ui.preauthorizeApiKey("bearer", saved.accessToken);
    } catch {
      // no usable session: Authorize by hand
    }
  },
});
