import * as pulumi from "@pulumi/pulumi";
import * as gitlab from "pulumi-gitlab-runners";

// Runners that exist already (registered by hand, by a script, by another tool) come under
// Pulumi: every runner carrying the tag `adopt:tag` is adopted with `adoptRunnerId` (`pulumi
// import` does not work for dynamic resources). Each run of the program lists them afresh, so a
// runner tagged later is adopted at the next `pulumi up`, and one deleted in GitLab leaves the
// stack.
const config = new pulumi.Config("adopt");
const tag = config.require("tag");
// "all" (administrators: every runner of the instance) or "owned" (the runners of the groups
// and projects the token's user owns or maintains).
const scope = config.get("scope") === "owned" ? "owned" : "all";
// What `pulumi destroy` does to the adopted runners: by default it deletes them, as for any
// Runner; with `adopt:keepOnDestroy: true` it only lets go of them (Pulumi's `retainOnDelete`)
// and they stay in GitLab as they are.
const keepOnDestroy = config.getBoolean("keepOnDestroy") ?? false;
const maximumTimeout = config.getNumber("maximumTimeout") ?? 3600;

export = async () => {
  const found = await gitlab.listRunners({ scope, tagList: [tag] });

  const adopted = found.map(
    (existing) =>
      new gitlab.Runner(
        `runner-${existing.id}`,
        {
          adoptRunnerId: existing.id,
          // Managed from now on: what the platform team decides for every adopted runner.
          runUntagged: false,
          maximumTimeout,
          // Not managed (left out): description and tagList stay as GitLab has them, so the
          // tag that selected the runner stays too, and the selection is stable.
        },
        { retainOnDelete: keepOnDestroy },
      ),
  );

  return {
    /** The ids of the runners found with the tag, as GitLab listed them. */
    foundIds: found.map((r) => r.id),
    /** The same runners, now managed: id, description and tags as GitLab reports them. */
    adopted: adopted.map((r) =>
      pulumi
        .all([r.runnerId, r.description, r.tagList, r.maximumTimeout, r.runUntagged])
        .apply(([id, description, tagList, timeout, runUntagged]) => ({
          id,
          description,
          tagList,
          maximumTimeout: timeout,
          runUntagged,
        })),
    ),
  };
};
