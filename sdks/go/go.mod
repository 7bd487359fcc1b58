module github.com/pulumi-gitlab-runners/pulumi-gitlab-runners/sdks/go

go 1.20

require github.com/pulumi/pulumi/sdk/v3 v3.30.0
