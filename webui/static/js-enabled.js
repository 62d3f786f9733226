// Tell GOV.UK Frontend's styles that JavaScript is on (kept out of the HTML so
// that the Content-Security-Policy can forbid inline scripts).
document.body.className += " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
