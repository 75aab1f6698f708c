#!/usr/bin/env bash
# Checks every example under examples/: formatted (tofu fmt -check), and each
# example directory initializes and validates with OpenTofu. The provider comes
# from a local build through dev_overrides and hashicorp/time from the local
# filesystem mirror built by tools/install.sh; nothing is downloaded from a registry.
#
# In a directory, the import-*.tf files are validated one at a time, each on its
# own (the docs show them as alternatives); the other .tf files together. The
# .tfquery.hcl files of a directory are checked with the current Terraform
# (TERRAFORM_CURRENT_VERSION), since OpenTofu has no terraform query.
#
# Users copy examples as written, so each of these must declare flexslot/flexslot
# in a terraform { required_providers { ... } } block itself; one that does not
# fails, naming its files (the CLI would look for hashicorp/flexslot, which does
# not exist). A comment that only mentions flexslot/flexslot does not count.
#
#   EXAMPLES_DIR=DIR checks DIR instead of examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${EXAMPLES_DIR:-examples}

./tools/install.sh tofu time
tofu=$(go run ./internal/cmd/clisetup path tofu)

work=$(mktemp -d "${TMPDIR:-/tmp}/flexslot-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "examples: building the provider"
cli_env=$(go run ./internal/cmd/clisetup cli-config "$work")
eval "$cli_env"

echo "examples: $("$tofu" version | head -n 1) fmt -check -recursive $examples"
if ! "$tofu" fmt -check -recursive -diff "$examples"; then
	echo "examples: the files above are not formatted; run 'make fmt'" >&2
	exit 1
fi

units=0
failed=()
# declares_flexslot succeeds when one of the files declares flexslot/flexslot
# in a terraform { required_providers { ... } } block: comments do not count,
# nor do braces inside strings. It reads HCL as `tofu fmt` leaves it (checked
# above), one attribute or block header a line. (`tofu providers` would tell,
# but cannot read a configuration whose terraform block needs a variable, as
# state encryption does.)
declares_flexslot() { # files...
	awk '
		FNR == 1 { incomment = 0; depth = 0; interraform = 0; inrequired = 0 }
		{
			# The line without comments; strings are kept whole.
			line = $0; code = ""; instring = 0
			for (i = 1; i <= length(line); i++) {
				c = substr(line, i, 1); c2 = substr(line, i, 2)
				if (incomment) { if (c2 == "*/") { incomment = 0; i++ }; continue }
				if (instring) {
					code = code c
					if (c == "\\") { code = code substr(line, i + 1, 1); i++ } else if (c == "\"") instring = 0
					continue
				}
				if (c == "\"") { instring = 1; code = code c; continue }
				if (c2 == "/*") { incomment = 1; i++; continue }
				if (c == "#" || c2 == "//") break
				code = code c
			}
			bare = code
			gsub(/"([^"\\]|\\.)*"/, "\"\"", bare)
			if (depth == 0 && bare ~ /^terraform[ \t]*\{/) interraform = 1
			if (interraform && depth == 1 && bare ~ /^[ \t]*required_providers[ \t]*\{/) inrequired = 1
			if (inrequired && tolower(code) ~ /(^|[{ \t])source[ \t]*=[ \t]*"(registry\.(terraform|opentofu)\.(io|org)\/)?flexslot\/flexslot"/) found = 1
			opens = gsub(/\{/, "{", bare); closes = gsub(/\}/, "}", bare)
			depth += opens - closes
			if (depth <= 1) inrequired = 0
			if (depth <= 0) { depth = 0; interraform = 0 }
		}
		END { exit found ? 0 : 1 }
	' "$@"
}

validate() { # name, files...
	local name=$1
	shift
	local dir
	units=$((units + 1))
	dir="$work/units/$units"
	mkdir -p "$dir"
	cp "$@" "$dir/"
	if ! declares_flexslot "$@"; then
		{
			echo "examples: FAILED  $name: no required_providers entry with source = \"flexslot/flexslot\""
			echo "    Users copy examples as written: declare the provider in $*:"
			echo '      terraform {'
			echo '        required_providers {'
			echo '          flexslot = {'
			echo '            source = "flexslot/flexslot"'
			echo '          }'
			echo '        }'
			echo '      }'
		} >&2
		failed+=("$name")
		return
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
done < <(find "$examples" -name '*.tf' -exec dirname {} \; | sort -u)

# terraform query files (.tfquery.hcl) need Terraform 1.14+, so they are checked
# on the current Terraform: formatted, and valid (validate -query) together with
# the .tf files beside them.
query_dirs=$(find "$examples" -name '*.tfquery.hcl' -exec dirname {} \; | sort -u)
if [ -n "$query_dirs" ]; then
	# shellcheck source=tools/versions.env
	source tools/versions.env
	./tools/install.sh "terraform@$TERRAFORM_CURRENT_VERSION"
	terraform="$(dirname "$tofu")/terraform-$TERRAFORM_CURRENT_VERSION"
	echo "examples: $("$terraform" version | head -n 1) for the .tfquery.hcl files"
	while IFS= read -r exdir; do
		units=$((units + 1))
		dir="$work/units/$units"
		mkdir -p "$dir"
		cp "$exdir"/*.tf "$exdir"/*.tfquery.hcl "$dir/"
		if "$terraform" -chdir="$dir" fmt -check -diff -no-color >"$dir.log" 2>&1 &&
			"$terraform" -chdir="$dir" init -input=false -backend=false -no-color >>"$dir.log" 2>&1 &&
			"$terraform" -chdir="$dir" validate -query -no-color >>"$dir.log" 2>&1; then
			echo "examples: ok      $exdir/ (query)"
		else
			echo "examples: FAILED  $exdir/ (query)" >&2
			sed 's/^/    /' "$dir.log" >&2
			failed+=("$exdir/ (query)")
		fi
	done <<<"$query_dirs"
fi

if [ ${#failed[@]} -gt 0 ]; then
	echo "examples: ${#failed[@]} of $units failed: ${failed[*]}" >&2
	exit 1
fi
echo "examples: all $units example configurations are formatted and valid"
