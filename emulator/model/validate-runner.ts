import type { RunnerRecord } from "../types";

/** `TAG_LIST_MAX_LENGTH` in app/models/ci/runner.rb. */
export const TAG_LIST_MAX_LENGTH = 50;

/**
 * A string's length as Rails' `length` validator counts it: characters (Ruby's String#length on
 * UTF-8, i.e. code points), not UTF-16 units, so 600 emoji are 600 characters, not 1200.
 */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

export interface ChangedFields {
  tagList?: boolean;
  description?: boolean;
}

/**
 * Model validations that surface as API errors (docs/gitlab-api.md §2), keyed by attribute as
 * `render_validation_error!` renders them. Note the key `tags_list`, not `tag_list`.
 */
export function validateRunner(runner: RunnerRecord, changed: ChangedFields): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (key: string, message: string): void => {
    const list = errors[key] ?? [];
    list.push(message);
    errors[key] = list;
  };
  if (!runner.runUntagged && runner.tagList.length === 0)
    add("tags_list", "can not be empty when runner is not allowed to pick untagged jobs");
  if (changed.tagList && runner.tagList.length > TAG_LIST_MAX_LENGTH)
    add("tags_list", `Too many tags specified. Please limit the number of tags to ${TAG_LIST_MAX_LENGTH}`);
  if (runner.maximumTimeout !== null && runner.maximumTimeout < 600)
    add("maximum_timeout", "needs to be at least 10 minutes");
  if (changed.description && runner.description !== null && characterCount(runner.description) > 1024)
    add("description", "is too long (maximum is 1024 characters)");
  if (runner.maintenanceNote !== null && characterCount(runner.maintenanceNote) > 1024)
    add("maintenance_note", "is too long (maximum is 1024 characters)");
  if (runner.name !== null && characterCount(runner.name) > 256)
    add("name", "is too long (maximum is 256 characters)");
  return errors;
}

/**
 * Rails' `human_attribute_name` fallback for an error key: `tags_list` → "Tags list",
 * `runner_projects.base` → "Runner projects base", `runner_projects.runner_id` → "Runner
 * projects runner" (`String#humanize` drops a trailing `_id`).
 */
export function humanizeAttribute(attribute: string): string {
  const words = attribute.replaceAll(".", "_").replace(/_id$/, "").replaceAll("_", " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Rails `errors.full_messages.to_sentence`, as POST /user/runners renders them (docs/gitlab-api.md §9). */
export function fullMessagesSentence(errors: Record<string, string[]>): string {
  const messages: string[] = [];
  for (const [attr, list] of Object.entries(errors)) {
    for (const message of list) messages.push(`${humanizeAttribute(attr)} ${message}`);
  }
  if (messages.length <= 1) return messages[0] ?? "";
  if (messages.length === 2) return `${messages[0]} and ${messages[1]}`;
  return `${messages.slice(0, -1).join(", ")}, and ${messages[messages.length - 1]}`;
}
