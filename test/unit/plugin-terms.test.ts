import { describe, expect, it } from "vitest";
import { inPluginTerms } from "../../plugin/terms";

describe("the plugin's words for settings", () => {
  it("names gitlab: settings as gitlab-runners: ones, and nothing else", () => {
    expect(inPluginTerms("set it with `pulumi config set --secret gitlab:token …` or GITLAB_TOKEN")).toBe(
      "set it with `pulumi config set --secret gitlab-runners:token …` or GITLAB_TOKEN",
    );
    expect(inPluginTerms("Check gitlab:baseUrl (GITLAB_BASE_URL); gitlab-runners:token stays")).toBe(
      "Check gitlab-runners:baseUrl (GITLAB_BASE_URL); gitlab-runners:token stays",
    );
    expect(inPluginTerms("https://gitlab.example.com/api/v4 and mygitlab:token")).toBe(
      "https://gitlab.example.com/api/v4 and mygitlab:token",
    );
  });
});
