import { afterAll, describe, expect, it } from "vitest";
import { configure, getClient, setClient } from "../../provider";

const configured = (values: Record<string, string>) =>
  configure({ config: { get: (key: string) => values[key] } });

afterAll(() => setClient(undefined));

describe("configure (the dynamic front door, once per serialized provider)", () => {
  it("keeps the client (and its caches) when called again with the same settings; builds a new one when they change", async () => {
    const settings = { "gitlab:baseUrl": "https://gitlab.test", "gitlab:token": "glpat-configureUnitTest01" };
    await configured(settings);
    const first = getClient();
    // The assignment's provider is configured after the runner's, with the same stack config.
    await configured({ ...settings });
    expect(getClient()).toBe(first);
    await configured({ ...settings, "gitlab:token": "glpat-configureUnitTest02" });
    expect(getClient()).not.toBe(first);
  });
});
