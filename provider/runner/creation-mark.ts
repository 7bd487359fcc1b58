/**
 * The creation mark: a line the provider keeps at the end of a runner's maintenance note that
 * says which Pulumi resource created or adopted it.
 *
 * Why a mark, and why there. A creation `POST` is not idempotent, and a `pulumi up` killed (or
 * an answer lost) after GitLab created the runner leaves a runner no stack knows, whose token
 * nobody holds; the next `up` creates the resource again. To tell that runner apart from every
 * other one, by GitLab's own records rather than by resemblance, the POST carries the mark, and
 * before a POST the provider looks for a never-contacted runner carrying it (`creation-
 * evidence.ts`). The maintenance note is the one free-text field GitLab keeps on a runner, that
 * `POST /runners` and `POST /user/runners` accept, and that no runner process overwrites
 * (`description` is the user's, `info[name]` exists only for registration tokens and is replaced
 * at the first contact, tags change job matching). GitLab shows the note only to callers who
 * may update the runner — the callers who could take it over anyway. 13.x has no note at all:
 * there the provider keeps recognising a lost creation by resemblance (`reconcile.ts`).
 *
 * The mark is derived from the resource's URN and its stack's organization (the hidden input
 * `__origin`, `provider/resource/origin.ts`), never from a secret: a hash that identifies the
 * resource (128 bits of SHA-256) and a label a person can read (organization, project, stack and
 * resource name). It stays on the runner for as long as the resource manages it, so it is also
 * the evidence that a runner is already managed when another stack tries to adopt it.
 *
 * The program's own `maintenanceNote` is kept above it; reads strip the mark, so the program,
 * the state and drift detection only ever see the program's note.
 */
import { createHash } from "node:crypto";
import { type ResourceOrigin, stackOf } from "../resource/origin";
import { MAX_TEXT_LENGTH } from "./description";

/** A resource's mark: `hash` identifies it, `label` names it for people. */
export interface CreationMark {
  hash: string;
  label: string;
}

const PREFIX = "Managed by Pulumi";
const TAG = "pulumi-gitlab-runners";
const HASH_LENGTH = 32;
/** The label is cut to this length (a resource name can be long). */
const MAX_LABEL = 100;
/** Between the program's note and the mark. */
const SEPARATOR = "\n\n";

/** `Managed by Pulumi (<label>) [pulumi-gitlab-runners <hash>]` as the last line of the note. */
const MARK_PATTERN = new RegExp(
  `(?:^|\\n)${PREFIX}(?: \\(([^\\n]*)\\))? \\[${TAG} ([0-9a-f]{${HASH_LENGTH}})\\][ \\t]*$`,
);

/** The shortest mark line (no label): what a program's note must leave room for. */
export const MIN_MARK_LENGTH = `${PREFIX} [${TAG} ${"0".repeat(HASH_LENGTH)}]`.length;

/** What a program's note must leave room for: the separator and the shortest mark. */
export const MARK_RESERVE = SEPARATOR.length + MIN_MARK_LENGTH;
// The description (plain data, no crypto) states the same figure, NOTE_MARK_RESERVE, for check
// and the docs; test/unit/runner-creation-mark.test.ts checks they agree.

/** The mark of the resource `origin` names. */
export function markFor(origin: ResourceOrigin): CreationMark {
  const hash = createHash("sha256")
    .update(`${origin.organization}\n${origin.urn}`)
    .digest("hex")
    .slice(0, HASH_LENGTH);
  const ref = stackOf(origin);
  const label = `${ref.organization}/${ref.project}/${ref.stack} ${ref.name}`
    .replace(/[\s()[\]]+/g, " ")
    .trim();
  return { hash, label };
}

function markLine(mark: CreationMark, room: number): string {
  const bare = `${PREFIX} [${TAG} ${mark.hash}]`;
  const labelRoom = Math.min(MAX_LABEL, room - bare.length - 3);
  if (labelRoom < 1 || mark.label === "") return bare;
  const label = mark.label.length > labelRoom ? `${mark.label.slice(0, labelRoom - 1)}…` : mark.label;
  return `${PREFIX} (${label}) [${TAG} ${mark.hash}]`;
}

/**
 * The note to send: the program's note (if any) followed by the mark. The label is shortened so
 * the whole stays within GitLab's 1024 characters (`check` keeps a program's note within
 * `MAX_NOTE_LENGTH`, so the mark always fits).
 */
export function composeNote(programNote: string | null | undefined, mark: CreationMark): string {
  const note = programNote ?? "";
  if (note === "") return markLine(mark, MAX_TEXT_LENGTH);
  return `${note}${SEPARATOR}${markLine(mark, MAX_TEXT_LENGTH - note.length - SEPARATOR.length)}`;
}

/** A note as GitLab keeps it, split into the program's part and the mark. */
export interface SplitNote {
  /** The note without the mark; null when GitLab reports none (or hides it) or only the mark is there. */
  programNote: string | null;
  mark?: CreationMark;
}

/** Splits GitLab's note into the program's note and the mark at its end. */
export function splitNote(note: string | null | undefined): SplitNote {
  if (note === null || note === undefined || note === "") return { programNote: null };
  const match = MARK_PATTERN.exec(note);
  if (match === null) return { programNote: note };
  const rest = note.slice(0, match.index).replace(/\n+$/, "");
  return {
    programNote: rest === "" ? null : rest,
    mark: { label: match[1] ?? "", hash: match[2] ?? "" },
  };
}

/**
 * Whether a mark found on a runner was made in the stack of `mark` (same project and stack; the
 * organization is left out, as a provider plugin cannot learn it): then the runner moves between
 * two resources of one stack (a rename, a move to the provider plugin), which one program's
 * preview shows whole. A label cut short never matches.
 */
export function sameStack(found: CreationMark, mark: CreationMark): boolean {
  const stackPart = (label: string) => {
    const space = label.indexOf(" ");
    const slash = label.indexOf("/");
    return slash < 0 || space < slash || label.endsWith("…") ? undefined : label.slice(slash + 1, space + 1);
  };
  const theirs = stackPart(found.label);
  return theirs !== undefined && theirs === stackPart(mark.label);
}

/** The readable form of a mark found on a runner, for messages. */
export function describeMark(mark: CreationMark): string {
  return mark.label === "" ? `a Pulumi resource (mark ${mark.hash})` : `the Pulumi resource ${mark.label}`;
}
