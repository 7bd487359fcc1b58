/**
 * The README's tables of a resource, written from its description: `npm run docs` puts them
 * between the README's markers, and `test/unit/readme-tables.test.ts` fails when they differ.
 */
import type { FieldSpec, ResourceDescription } from "./description";

/** The tables a description yields, by the name of their README marker. */
export type TableName = "identity" | "settings" | "outputs";

const ON_CHANGE: Record<FieldSpec["role"], string> = {
  identity: "replace",
  setting: "update",
  links: "update",
  control: "update",
  computed: "—",
};

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function argument(name: string, spec: FieldSpec): string {
  return `\`${name}\`${spec.secret ? " (secret)" : ""}`;
}

function gitlabName(spec: FieldSpec): string {
  return spec.gitlab === undefined ? "—" : `\`${spec.gitlab}\``;
}

function rows(description: ResourceDescription, roles: FieldSpec["role"][]): [string, FieldSpec][] {
  return Object.entries(description.fields).filter(([, spec]) => roles.includes(spec.role));
}

/** One table of `description` in Markdown. */
export function markdownTable(description: ResourceDescription, table: TableName): string {
  switch (table) {
    case "identity":
      return [
        "| Argument | GitLab | What it does | On change |",
        "|---|---|---|---|",
        ...rows(description, ["identity"]).map(
          ([name, spec]) =>
            `| ${argument(name, spec)} | ${gitlabName(spec)} | ${cell(spec.docs)} | ${ON_CHANGE[spec.role]} |`,
        ),
      ].join("\n");
    case "settings":
      return [
        "| Argument | GitLab | Default for a new runner | Allowed | On change |",
        "|---|---|---|---|---|",
        ...rows(description, ["setting", "links", "control"]).map(
          ([name, spec]) =>
            `| ${argument(name, spec)} | ${gitlabName(spec)} | ${cell(spec.default ?? "—")} | ${cell(spec.allowed ?? "—")} | ${ON_CHANGE[spec.role]} |`,
        ),
      ].join("\n");
    case "outputs":
      return [
        "| Output | GitLab | What it is |",
        "|---|---|---|",
        ...rows(description, ["computed"]).map(
          ([name, spec]) => `| ${argument(name, spec)} | ${gitlabName(spec)} | ${cell(spec.docs)} |`,
        ),
      ].join("\n");
  }
}

/** The marker lines around a generated table in the README. */
export function markers(description: ResourceDescription, table: TableName): [string, string] {
  const id = `${description.name}:${table}`;
  return [
    `<!-- table ${id}: written by npm run docs from the resource's description -->`,
    `<!-- end ${id} -->`,
  ];
}

/**
 * `text` with every marked table of `descriptions` rewritten. A marker pair that is missing is
 * left alone (the README chooses which tables it shows).
 */
export function rewriteTables(text: string, descriptions: readonly ResourceDescription[]): string {
  let out = text;
  for (const description of descriptions) {
    for (const table of ["identity", "settings", "outputs"] as const) {
      const [start, end] = markers(description, table);
      const from = out.indexOf(start);
      const to = out.indexOf(end);
      if (from === -1 || to === -1 || to < from) continue;
      out = `${out.slice(0, from + start.length)}\n${markdownTable(description, table)}\n${out.slice(to)}`;
    }
  }
  return out;
}
