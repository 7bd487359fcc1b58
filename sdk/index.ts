/**
 * pulumi-gitlab-runners: manage GitLab runners as code.
 *
 * @packageDocumentation
 */
export {};
