// Start GOV.UK Frontend's components (skip link, service navigation, details, ...).
import { initAll } from "./vendor/govuk/govuk-frontend.min.js";

initAll();

// After a validation, move focus to the report's summary at the top, so that screen
// readers and eyes start from the result (GOV.UK's error summary focuses itself the
// same way); not when a link to a part of the page was followed.
const summary = document.querySelector("[data-kg-focus]");
if (summary && !window.location.hash && !document.querySelector(".govuk-error-summary")) {
  summary.focus();
}
