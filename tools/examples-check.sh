#!/usr/bin/env bash
# Checks every example under examples/: formatted (tofu fmt -check), and each
# example directory initializes and validates with OpenTofu. The provider comes
# from a local build through dev_overrides and hashicorp/time from the local
# filesystem mirror built by tools/install.sh; nothing is downloaded from a registry.
#
# In a directory, the import-*.tf files are validated one at a time, each on its
# own (the docs show them as alternatives); the other .tf files together.
# An example that does not declare flexslot/flexslot itself (resource and data
# source examples usually do not) gets that declaration added in its temporary copy.
set -euo pipefail
cd "$(dirname "$0")/.."

./tools/install.sh tofu time
tofu=$(go run ./tools/devcli path tofu)

work=$(mktemp -d "${TMPDIR:-/tmp}/flexslot-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "examples: building the provider"
cli_env=$(go run ./tools/devcli cli-config "$work")
eval "$cli_env"

echo "examples: $("$tofu" version | head -n 1) fmt -check -recursive examples"
if ! "$tofu" fmt -check -recursive -diff examples; then
	echo "examples: the files above are not formatted; run 'make fmt'" >&2
	exit 1
fi

units=0
failed=()
validate() { # name, files...
	local name=$1
	shift
	local dir
	units=$((units + 1))
	dir="$work/units/$units"
	mkdir -p "$dir"
	cp "$@" "$dir/"
	if ! grep -qs 'flexslot/flexslot' "$dir"/*.tf; then
		cat >"$dir/zz_flexslot_provider.tf" <<'EOF'
terraform {
  required_providers {
    flexslot = {
      source = "flexslot/flexslot"
    }
  }
}
EOF
	fi
	if "$tofu" -chdir="$dir" init -input=false -backend=false -no-color >"$dir.log" 2>&1 &&
		"$tofu" -chdir="$dir" validate -no-color >>"$dir.log" 2>&1; then
		echo "examples: ok      $name"
	else
		echo "examples: FAILED  $name" >&2
		sed 's/^/    /' "$dir.log" >&2
		failed+=("$name")
	fi
}

while IFS= read -r exdir; do
	shopt -s nullglob
	together=()
	for f in "$exdir"/*.tf; do
		case $(basename "$f") in
		import-*.tf) validate "$f" "$f" ;;
		*) together+=("$f") ;;
		esac
	done
	if [ ${#together[@]} -gt 0 ]; then
		validate "$exdir/" "${together[@]}"
	fi
	shopt -u nullglob
done < <(find examples -name '*.tf' -exec dirname {} \; | sort -u)

# terraform query files need Terraform 1.14, which cannot be built here.
find examples -name '*.tfquery.hcl' | sort | while IFS= read -r f; do
	echo "examples: skipped $f (terraform query needs Terraform 1.14+)"
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "examples: ${#failed[@]} of $units failed: ${failed[*]}" >&2
	exit 1
fi
echo "examples: all $units example configurations are formatted and valid"
