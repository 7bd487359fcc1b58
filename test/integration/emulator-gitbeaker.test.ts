import { Gitlab } from "@gitbeaker/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultFixture,
  FIXTURE_IDS,
  FIXTURE_REGISTRATION_TOKENS,
  FIXTURE_TOKENS,
  type RunningEmulator,
  startEmulator,
} from "../../emulator/index";

// An independent GitLab client from npm drives the emulator through a runner's whole life:
// register, get, update, enable on a second project, disable, delete.

const { projects } = FIXTURE_IDS;

describe("@gitbeaker/rest against the emulator", () => {
  let legacy: RunningEmulator;
  let modern: RunningEmulator;

  beforeAll(async () => {
    legacy = await startEmulator({ gitlabVersion: "16.11" });
    const fixture = defaultFixture();
    fixture.registrationTokensAllowed = true;
    modern = await startEmulator({ gitlabVersion: "17.11", fixture });
  });
  afterAll(async () => {
    await legacy.stop();
    await modern.stop();
  });

  it("registers, reads, updates, enables, disables and deletes a runner (16.11, registration token)", async () => {
    const api = new Gitlab({ host: legacy.url, token: FIXTURE_TOKENS.admin });
    const registered = await api.Runners.register(FIXTURE_REGISTRATION_TOKENS.project, {
      description: "gitbeaker-runner",
      tagList: ["docker", "linux"],
    });
    expect(registered.id).toBeGreaterThan(3);
    expect(typeof registered.token).toBe("string");

    const shown = await api.Runners.show(registered.id);
    expect(shown.description).toBe("gitbeaker-runner");
    expect([...(shown.tag_list as string[])].sort()).toEqual(["docker", "linux"]);
    expect(shown.runner_type).toBe("project_type");
    expect(shown.status).toBe("never_contacted");

    const edited = await api.Runners.edit(registered.id, {
      description: "renamed",
      paused: true,
      maximumTimeout: 3600,
    });
    expect(edited.description).toBe("renamed");
    expect(edited.paused).toBe(true);
    expect(edited.maximum_timeout).toBe(3600);

    const enabled = await api.Runners.enable(projects.web, registered.id);
    expect(enabled.id).toBe(registered.id);
    const onWeb = await api.Runners.all({ projectId: projects.web });
    expect(onWeb.map((r) => r.id)).toContain(registered.id);

    await api.Runners.disable(projects.web, registered.id);
    const state = legacy.state().runners.find((r) => r.id === registered.id);
    expect(state?.projectIds).toEqual([projects.api]);

    await api.Runners.remove({ runnerId: registered.id });
    expect(legacy.state().runners.some((r) => r.id === registered.id)).toBe(false);
    await expect(api.Runners.show(registered.id)).rejects.toMatchObject({
      cause: { description: "404 Not found" },
    });
  });

  it("creates with POST /user/runners and runs the same lifecycle (17.11)", async () => {
    const api = new Gitlab({ host: modern.url, token: FIXTURE_TOKENS.maintainer });
    const created = await api.Users.createCIRunner("project_type", {
      projectId: projects.api,
      description: "created-by-gitbeaker",
      tagList: ["k8s"],
    });
    expect(created.token).toMatch(/^glrt-/);
    const shown = await api.Runners.show(created.id as number);
    expect(shown.tag_list).toEqual(["k8s"]);
    await api.Runners.edit(created.id as number, { locked: false, tagList: ["k8s", "arm64"] });
    await api.Runners.enable(projects.web, created.id as number);
    const owned = await api.Runners.all({ owned: true });
    expect(owned.map((r) => r.id)).toContain(created.id);
    await api.Runners.disable(projects.web, created.id as number);
    await api.Runners.remove({ runnerId: created.id as number });
    expect(modern.state().runners.some((r) => r.id === created.id)).toBe(false);
  });

  it("paginates all runners with the Link/X-Next-Page headers", async () => {
    const api = new Gitlab({ host: modern.url, token: FIXTURE_TOKENS.admin });
    const all = await api.Runners.all({ perPage: 1, maxPages: 10 });
    expect(all.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it("surfaces GitLab's error bodies to the client", async () => {
    const api = new Gitlab({ host: modern.url, token: FIXTURE_TOKENS.developer });
    await expect(api.Runners.show(2)).rejects.toMatchObject({
      cause: { description: "403 Forbidden - No access granted" },
    });
    const registration = new Gitlab({ host: legacy.url, token: FIXTURE_TOKENS.admin });
    await expect(registration.Runners.register("GR1348941bogus")).rejects.toMatchObject({
      cause: { description: "403 Forbidden - invalid token supplied" },
    });
  });
});
