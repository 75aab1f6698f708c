#!/usr/bin/env bash
# Generates docs/ from templates/ and examples/ with tfplugindocs, which cannot
# download a CLI here, so it is fed a schema: the provider is built into a
# plugin directory, OpenTofu installs it from there and exports its schema.
#
#   tools/docs.sh          regenerate docs/ and validate it
#   tools/docs.sh check    the same, then fail if regenerating changed docs/
#                          (edited, new or removed files). On a clean clone, as
#                          in CI, that is a diff against the committed docs.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-generate}
case $mode in generate | check) ;; *)
	echo "usage: $0 [generate|check]" >&2
	exit 2
	;;
esac

tools_dir="${FLEXSLOT_TOOLS_DIR:-$HOME/.cache/terraform-provider-flexslot}"
./tools/install.sh tofu tfplugindocs
tofu="$tools_dir/bin/tofu-1.12.6"
tfplugindocs="$tools_dir/bin/tfplugindocs"

work=$(mktemp -d "${TMPDIR:-/tmp}/flexslot-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# tfplugindocs looks the schema up as registry.terraform.io/hashicorp/<name>.
address=registry.terraform.io/hashicorp/flexslot
version=0.0.1
os_arch="$(go env GOOS)_$(go env GOARCH)"
plugin="$work/plugins/$address/$version/$os_arch/terraform-provider-flexslot_v$version"
echo "docs: building the provider"
go build -o "$plugin" .

mkdir -p "$work/config"
cat >"$work/config/main.tf" <<EOF
terraform {
  required_providers {
    flexslot = {
      source = "$address"
    }
  }
}
EOF
# Our own CLI config: the caller's TF_CLI_CONFIG_FILE may not exist, or may
# redirect providers elsewhere.
: >"$work/cli.tfrc"
export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR

echo "docs: exporting the provider schema with $("$tofu" version | head -n 1)"
"$tofu" -chdir="$work/config" init -input=false -backend=false -plugin-dir="$work/plugins" >"$work/init.log" 2>&1 ||
	{ cat "$work/init.log" >&2; exit 1; }
"$tofu" -chdir="$work/config" providers schema -json >"$work/schema.json"
# OpenTofu does not export list resource schemas yet; add them from the provider.
go run ./tools/docschema -schema "$work/schema.json" -provider "$address"

if [ "$mode" = check ]; then
	mkdir -p "$work/old/docs" "$work/new"
	[ ! -d docs ] || cp -R docs/. "$work/old/docs/"
fi

echo "docs: generating docs/"
"$tfplugindocs" generate --provider-name flexslot --providers-schema "$work/schema.json" >"$work/generate.log" 2>&1 ||
	{ cat "$work/generate.log" >&2; exit 1; }
"$tfplugindocs" validate --provider-name flexslot --providers-schema "$work/schema.json" >"$work/validate.log" 2>&1 ||
	{ grep -v '\[DEBUG\]' "$work/validate.log" >&2; exit 1; }
echo "docs: tfplugindocs validate passed"

# The schema is keyed by the hashicorp namespace only because tfplugindocs
# expects it; the published docs must name the provider flexslot/flexslot.
if grep -rn "hashicorp/flexslot" docs; then
	echo "docs: the generated docs above name hashicorp/flexslot; the provider is flexslot/flexslot" >&2
	exit 1
fi

if [ "$mode" = check ]; then
	cp -R docs "$work/new/docs"
	if ! (cd "$work" && git --no-pager diff --no-index --exit-code --no-color old/docs new/docs >&2); then
		echo "docs: docs/ was out of date with templates/, examples/ or the provider schema" >&2
		echo "docs: (old: docs/ before, new: regenerated). It is regenerated now: review and commit it." >&2
		exit 1
	fi
	echo "docs: docs/ is up to date"
else
	echo "docs: generated $(find docs -name '*.md' | wc -l | tr -d ' ') pages under docs/"
fi
