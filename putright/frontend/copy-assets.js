// Copy GOV.UK Frontend's JavaScript and images (not its fonts) next to the compiled stylesheet.
const fs = require("fs");
const path = require("path");
const from = path.join(__dirname, "..", "..", "node_modules", "govuk-frontend", "dist", "govuk");
const to = path.join(__dirname, "..", "static", "govuk");
fs.rmSync(to, { recursive: true, force: true });
fs.mkdirSync(path.join(to, "assets"), { recursive: true });
fs.cpSync(path.join(from, "assets", "images"), path.join(to, "assets", "images"), { recursive: true });
fs.copyFileSync(path.join(from, "govuk-frontend.min.js"), path.join(to, "govuk-frontend.min.js"));
