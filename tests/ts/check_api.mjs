// Compiles every data API schema in Ajv's strict 2020-12 mode and validates the built files.
// Usage: node tests/ts/check_api.mjs SITE_DIR   (exit 0 when every file is valid)
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const api = join(process.argv[2], "api", "v1");
const read = (path) => readFileSync(join(api, path));
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
for (const name of readdirSync(join(api, "schema"))) {
  ajv.addSchema(JSON.parse(read(join("schema", name)))); // compiled on first use, by $id
}
const failures = [];
const index = JSON.parse(read("index.json"));
let validated = 0;
for (const file of index.files) {
  const data = read(file.path);
  if (createHash("sha256").update(data).digest("hex") !== file.sha256) {
    failures.push(`${file.path}: sha256 differs from index.json`);
  }
  if (file.media_type !== "application/json") continue; // CSL-JSON and the schemas themselves
  const validate = ajv.getSchema(file.schema_url);
  if (!validate) {
    failures.push(`${file.path}: no schema ${file.schema_url}`);
  } else if (!validate(JSON.parse(data))) {
    failures.push(`${file.path}: ${ajv.errorsText(validate.errors)}`);
  } else {
    validated += 1;
  }
}
const indexSchema = index.files.find((f) => f.path === "claims.json").schema_url.replace(
  "claims.schema.json",
  "index.schema.json",
);
const validateIndex = ajv.getSchema(indexSchema);
if (!validateIndex(index)) failures.push(`index.json: ${ajv.errorsText(validateIndex.errors)}`);
else validated += 1;
for (const failure of failures) console.error(failure);
console.log(`${validated} files valid, ${failures.length} problems`);
process.exit(failures.length ? 1 : 0);
