import type { EmulatorState } from "./types";

/**
 * What the CLI prints on stderr after its first stdout line: where the API is, and every
 * credential of the loaded fixture with who it belongs to and what it may do, so nobody has to
 * dig them out of `GET /-/emulator/state`. They are fake by construction: they live only in
 * this process's memory and are valid nowhere else.
 */
export function formatBanner(
  state: EmulatorState,
  url: string,
  options: { controlToken: boolean; fullVersion: string },
): string {
  const lines: string[] = [];
  lines.push(`GitLab ${options.fullVersion} (emulated) at ${url}`);
  lines.push(`  API:         ${url}/api/v4`);
  lines.push(
    `  control API: ${url}/-/emulator/ (JSON only${options.controlToken ? ", needs the control token" : ""})`,
  );
  lines.push("");
  lines.push("Personal access tokens of the fixture (fake by construction: valid only in this emulator):");
  const rows: string[][] = [];
  for (const user of state.users) {
    for (const token of user.tokens) {
      const notes: string[] = [];
      if (user.admin) notes.push("admin");
      if (token.revoked) notes.push("revoked");
      if (token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now()) notes.push("expired");
      rows.push([
        token.token,
        `${user.username} (id ${user.id}${notes.length > 0 ? `, ${notes.join(", ")}` : ""})`,
        token.scopes.join(" "),
      ]);
    }
  }
  if (rows.length === 0) lines.push("  (none)");
  else lines.push(...table(["token", "user", "scopes"], rows));

  const groupPath = (id: number, depth = 0): string => {
    const group = state.groups.find((g) => g.id === id);
    if (group === undefined || depth > 64) return String(id);
    return group.parentId === null ? group.path : `${groupPath(group.parentId, depth + 1)}/${group.path}`;
  };
  const registration: string[][] = [];
  if (state.instanceRegistrationToken !== null)
    registration.push([state.instanceRegistrationToken, "instance"]);
  for (const group of state.groups)
    if (group.runnersToken !== null)
      registration.push([group.runnersToken, `group ${groupPath(group.id)} (id ${group.id})`]);
  for (const project of state.projects)
    if (project.runnersToken !== null)
      registration.push([
        project.runnersToken,
        `project ${groupPath(project.namespaceId)}/${project.path} (id ${project.id})`,
      ]);
  if (registration.length > 0) {
    lines.push("");
    lines.push(
      `Runner registration tokens (POST /api/v4/runners; ${
        state.registrationTokensAllowed ? "allowed" : "refused with 410: registration tokens are disabled"
      }):`,
    );
    lines.push(...table(["token", "scope"], registration));
  }
  const admin = state.users.find((u) => u.admin)?.tokens.find((t) => !t.revoked && t.scopes.includes("api"));
  if (admin !== undefined) {
    lines.push("");
    lines.push(`Try: curl -H "PRIVATE-TOKEN: ${admin.token}" ${url}/api/v4/runners/all`);
  }
  return `${lines.join("\n")}\n`;
}

function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? "").length)));
  return all.map((row) =>
    `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ")}`.trimEnd(),
  );
}
