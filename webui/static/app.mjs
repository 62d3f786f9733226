// Start GOV.UK Frontend's components (skip link, service navigation, details, ...).
import { initAll } from "./vendor/govuk/govuk-frontend.min.js";

initAll();
