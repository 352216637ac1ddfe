// A TypeScript app reading the data API from a built site: each claim's id, certainty and
// verdict, and how many references its document resolves; then each outcome row of its
// comparisons with its certainty, best estimate and totals. Usage: node consumer.js SITE_DIR
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type {
  BestEstimate,
  ExportedGeneralClaim,
  ExportedScarClaim,
  NeedlingFactsClaim,
  NeedlingFactsClaims,
  NeedlingFactsDataAPIIndex,
} from "./api.js";

const api = join(process.argv[2] ?? ".", "api", "v1");

function read<T>(path: string): T {
  return JSON.parse(readFileSync(join(api, path), "utf8")) as T;
}

function scarTypes(claim: ExportedScarClaim | ExportedGeneralClaim): string {
  // The union narrows on `outcome`, as the schema's if/then/else does.
  return claim.outcome === "scars" ? ` (${claim.scar_types.join(", ")})` : "";
}

function estimate(best: BestEstimate): string {
  if (best.kind === "none") return `no estimate (${best.reason ?? "no reason given"})`;
  const ci = best.ci ? ` [${best.ci[0].toFixed(2)}, ${best.ci[1].toFixed(2)}]` : "";
  return `${best.kind} ${best.measure ?? ""} ${best.value?.toFixed(2) ?? ""}${ci}`;
}

const index = read<NeedlingFactsDataAPIIndex>("index.json");
const list = read<NeedlingFactsClaims>("claims.json");
console.log(`data ${index.data_version}, schema ${index.schema_version}, ${index.files.length} files`);
for (const summary of list.claims) {
  const document = read<NeedlingFactsClaim>(summary.href);
  const references = document.claim.references.length;
  console.log(
    `${summary.id}: ${summary.certainty}, ${summary.verdict}, ` +
      `${references} references${scarTypes(document.claim)}`,
  );
  for (const comparison of document.claim.comparisons) {
    for (const row of comparison.outcomes) {
      const totals = row.totals;
      console.log(
        `  ${comparison.id}/${row.id}: ${row.computed_grade.certainty} (${row.importance}), ` +
          `${estimate(row.best_estimate)}, ${totals.studies} studies, ` +
          `${totals.participants} participants${totals.counted_once ? "" : " (overlap)"}`,
      );
    }
  }
}
