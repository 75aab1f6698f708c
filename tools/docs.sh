#!/usr/bin/env bash
# Generates docs/ from templates/ and examples/ with tfplugindocs, which cannot
# download a CLI here, so it is fed a schema: OpenTofu, pointed at a build of
# the provider (go run ./internal/cmd/clisetup cli-config), exports it.
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

./tools/install.sh tofu
tofu=$(go run ./internal/cmd/clisetup path tofu)
tfplugindocs() { ./tools/gotool.sh tfplugindocs "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/flexslot-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "docs: building the provider"
cli_env=$(go run ./internal/cmd/clisetup cli-config "$work")
eval "$cli_env"

# tfplugindocs looks the schema up as registry.terraform.io/hashicorp/<name>;
# the CLI configuration serves the build under that address too.
address=registry.terraform.io/hashicorp/flexslot
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

echo "docs: exporting the provider schema with $("$tofu" version | head -n 1)"
"$tofu" -chdir="$work/config" init -input=false -backend=false >"$work/init.log" 2>&1 ||
	{ cat "$work/init.log" >&2; exit 1; }
"$tofu" -chdir="$work/config" providers schema -json >"$work/schema.json"
# OpenTofu does not export list resource schemas yet; add them from the provider.
go run ./internal/cmd/docschema -schema "$work/schema.json" -provider "$address"

if [ "$mode" = check ]; then
	mkdir -p "$work/old/docs" "$work/new"
	[ ! -d docs ] || cp -R docs/. "$work/old/docs/"
fi

echo "docs: generating docs/"
tfplugindocs generate --provider-name flexslot --providers-schema "$work/schema.json" >"$work/generate.log" 2>&1 ||
	{ cat "$work/generate.log" >&2; exit 1; }
tfplugindocs validate --provider-name flexslot --providers-schema "$work/schema.json" >"$work/validate.log" 2>&1 ||
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
