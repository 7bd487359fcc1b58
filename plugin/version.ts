/** The plugin's version: the npm package's, so `pulumi plugin ls` and the schema name the release. */
export const version: string = (require("pulumi-gitlab-runners/package.json") as { version: string }).version;
