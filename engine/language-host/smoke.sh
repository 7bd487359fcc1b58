#!/bin/sh
# End-to-end smoke test of pulumi-language-nodejs with the real CLI.
# usage: smoke.sh <bin-dir holding pulumi and pulumi-language-nodejs> [repo-root]
# Creates a throw-away program, state and policy packs under a temp dir.
set -eu
BIN=$(cd "$1" && pwd)
ROOT=$(cd "${2:-$(dirname "$0")/../..}" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# The dynamic provider plugin ships with @pulumi/pulumi; the engine looks for
# it next to the CLI (or on PATH).
cp "$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$BIN/"
chmod +x "$BIN/pulumi-resource-pulumi-nodejs"

export PATH="$ROOT/node_modules/.bin:$BIN:$PATH"
export PULUMI_HOME="$T/home" PULUMI_BACKEND_URL="file://$T/state" PULUMI_CONFIG_PASSPHRASE=test
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true PULUMI_SKIP_CONFIRMATIONS=true
mkdir -p "$T/state" "$T/prog" "$T/deny" "$T/warn"

cd "$T/prog"
ln -s "$ROOT/node_modules" node_modules
printf 'name: smoke\nruntime: nodejs\n' > Pulumi.yaml
echo '{"name":"smoke","main":"index.js"}' > package.json
cat > index.js <<'JS'
const pulumi = require("@pulumi/pulumi");
const provider = {
  async create(inputs) { return { id: "thing-" + inputs.name, outs: inputs }; },
  async read(id, props) { return { id, props }; },
  async diff(id, olds, news) { return { changes: olds.name !== news.name }; },
  async update(id, olds, news) { return { outs: news }; },
  async delete() {},
};
const t = new pulumi.dynamic.Resource(provider, "t1", { name: "alpha" });
exports.thingId = t.id;
JS

for level in mandatory advisory; do
  d="$T/deny"; [ "$level" = advisory ] && d="$T/warn"
  ln -s "$ROOT/node_modules" "$d/node_modules"
  printf 'runtime: nodejs\n' > "$d/PulumiPolicy.yaml"
  echo "{\"name\":\"smoke-$level\",\"version\":\"0.0.1\",\"main\":\"index.js\"}" > "$d/package.json"
  cat > "$d/index.js" <<JS
const { PolicyPack } = require("@pulumi/policy");
new PolicyPack("smoke-$level", { policies: [{
  name: "no-things", description: "no dynamic things", enforcementLevel: "$level",
  validateResource: (args, report) => { if (args.type === "pulumi-nodejs:dynamic:Resource") report("$level says no"); },
}] });
JS
done

step() { echo "== $*"; "$@"; }
step pulumi stack init dev
step pulumi up --yes
step pulumi preview --expect-no-changes
step pulumi preview --refresh --diff --expect-no-changes
step pulumi refresh --yes
test "$(pulumi stack output thingId)" = thing-alpha
echo "== pulumi preview --policy-pack (mandatory: must fail)"
if pulumi preview --policy-pack "$T/deny" > "$T/deny.out" 2>&1; then cat "$T/deny.out"; exit 1; fi
grep -q "mandatory says no" "$T/deny.out"
step pulumi preview --policy-pack "$T/warn" | tee "$T/warn.out"
grep -q "advisory says no" "$T/warn.out"
step pulumi destroy --yes
echo "smoke OK"
