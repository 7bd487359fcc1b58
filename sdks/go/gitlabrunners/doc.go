// Manage GitLab runners as code: runners, project assignments and read functions, GitLab 13.12 to 18.x.
package gitlabrunners
