#!/usr/bin/env bash
# Installs the test CLIs, and the hashicorp/time provider the examples use, into
# $FLEXSLOT_TOOLS_DIR/bin, each only when missing or at the wrong version. Every
# binary is written to a temporary file and renamed into place, so a half-written
# binary is never used. The Go-based tools (golangci-lint, tfplugindocs,
# goreleaser, actionlint) are not installed here: tools/gotool.sh runs them at
# the versions tools/go.mod pins.
#
# Usage: tools/install.sh [TOOL...]   (default: all)
#   all            tofu, both Terraforms and time: what the tests, the docs and
#                  the examples need
#   tofu, terraform, time
#   tofu@VERSION, terraform@VERSION
#                  a CLI at another version than tools/versions.env names, as
#                  `make testacc CLI=terraform TERRAFORM_VERSION=...` asks for
#
# Every version comes from tools/versions.env. Terraform up to 1.5 (the MPL
# releases) is built from its Go module; a later Terraform cannot be built with
# `go install` and is installed from its release archive instead, checked
# against the release's SHA256SUMS, from TERRAFORM_RELEASES (see
# terraform_release_source below).
set -euo pipefail

# shellcheck source=tools/versions.env
. "$(dirname "$0")/versions.env"

tools_dir="${FLEXSLOT_TOOLS_DIR:-$HOME/.cache/terraform-provider-flexslot}"
bin="$tools_dir/bin"
mkdir -p "$bin"

# A CLI config of our own keeps the caller's TF_CLI_CONFIG_FILE out of version checks.
empty_cli_config="$tools_dir/empty.tfrc"
[ -f "$empty_cli_config" ] || : >"$empty_cli_config"

log() { printf 'tools: %s\n' "$*" >&2; }

has_version() { # binary, expected substring, version args...
	local binary=$1 want=$2
	shift 2
	[ -x "$binary" ] || return 1
	# Not "cmd | grep -q": with pipefail, grep exiting early can fail the pipeline.
	local out
	out=$(TF_CLI_CONFIG_FILE="$empty_cli_config" "$binary" "$@" 2>/dev/null) || return 1
	grep -qF -- "$want" <<<"$out"
}

install_built() { # tmp binary, final path
	chmod +x "$1"
	mv -f "$1" "$2"
}

build_tofu() { # version
	local version=$1
	local target="$bin/tofu-$version"
	if has_version "$target" "OpenTofu v$version" version; then return; fi
	log "building OpenTofu v$version (takes several minutes on first run)"
	local src work
	src=$(go mod download -json "github.com/opentofu/opentofu@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -n "$src" ] || { log "could not download github.com/opentofu/opentofu@v$version"; exit 1; }
	work=$(mktemp -d "$tools_dir/tofu-src.XXXXXX")
	trap 'rm -rf "$work"; trap - RETURN' RETURN
	cp -r "$src/." "$work/"
	chmod -R u+w "$work"
	(cd "$work" && CGO_ENABLED=0 go build -trimpath \
		-ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
		-o "$bin/.tofu-$version.tmp" ./cmd/tofu)
	install_built "$bin/.tofu-$version.tmp" "$target"
}

install_terraform() { # version
	local version=$1
	local target="$bin/terraform-$version"
	if has_version "$target" "Terraform v$version" version; then return; fi
	if built_from_source "$version"; then
		build_terraform "$version" "$target"
	else
		download_terraform "$version" "$target"
	fi
}

# built_from_source: Terraform 1.5 and older, released under the MPL, build with
# `go install`; later releases' modules carry replace directives that it refuses.
built_from_source() { # version
	local major minor
	IFS=. read -r major minor _ <<<"$1"
	[[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] || { log "not a Terraform version: $1"; exit 2; }
	((major < 1 || (major == 1 && minor <= 5)))
}

build_terraform() { # version, target
	log "building Terraform v$1"
	local gobin
	gobin=$(mktemp -d "$tools_dir/gobin.XXXXXX")
	trap 'rm -rf "$gobin"; trap - RETURN' RETURN
	CGO_ENABLED=0 GOBIN="$gobin" go install -trimpath -ldflags "-s -w" "github.com/hashicorp/terraform@v$1"
	install_built "$gobin/terraform" "$2"
}

# terraform_release_source: where the release archives of VERSION are. The one
# setting is TERRAFORM_RELEASES, a URL or a directory, in which "{version}"
# stands for the version; its files are terraform_<v>_<os>_<arch>.zip and
# terraform_<v>_SHA256SUMS, as on releases.hashicorp.com. Unset, it is the
# release mirror beside the checkout, ../shared/cli, when that holds VERSION's
# archive (the project's test machines, which cannot download releases), and
# otherwise the official download.
terraform_release_source() { # version, archive name
	local source=${TERRAFORM_RELEASES:-}
	if [ -z "$source" ]; then
		local beside
		beside="$(cd "$(dirname "$0")/.." && pwd)/../shared/cli"
		if [ -f "$beside/$2" ] && [ -f "$beside/terraform_$1_SHA256SUMS" ]; then
			source=$(cd "$beside" && pwd)
		else
			source="https://releases.hashicorp.com/terraform/{version}"
		fi
	fi
	printf '%s\n' "${source//\{version\}/$1}"
}

fetch() { # source (URL or directory), file name, destination
	local source=${1%/} name=$2 dest=$3
	case $source in
	http://* | https://*)
		command -v curl >/dev/null || { log "curl is required to download $source/$name"; exit 1; }
		curl -fsSL --retry 3 -o "$dest" "$source/$name" || { log "could not download $source/$name"; exit 1; }
		;;
	*)
		source=${source#file://}
		[ -f "$source/$name" ] || { log "$source/$name does not exist (TERRAFORM_RELEASES)"; exit 1; }
		cp "$source/$name" "$dest"
		;;
	esac
}

sha256_of() { # file
	if command -v sha256sum >/dev/null; then
		sha256sum "$1" | cut -d' ' -f1
	else
		shasum -a 256 "$1" | cut -d' ' -f1
	fi
}

download_terraform() { # version, target
	local version=$1 target=$2
	local archive sums source
	archive="terraform_${version}_$(go env GOOS)_$(go env GOARCH).zip"
	sums="terraform_${version}_SHA256SUMS"
	source=$(terraform_release_source "$version" "$archive")
	log "installing Terraform v$version from $source/$archive"
	command -v unzip >/dev/null || { log "unzip is required to install Terraform v$version"; exit 1; }
	local work
	work=$(mktemp -d "$tools_dir/terraform-$version.XXXXXX")
	trap 'rm -rf "$work"; trap - RETURN' RETURN
	fetch "$source" "$sums" "$work/$sums"
	fetch "$source" "$archive" "$work/$archive"
	local want got
	want=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1; exit }' "$work/$sums")
	[ -n "$want" ] || { log "$source/$sums lists no checksum for $archive; refusing to install it"; exit 1; }
	got=$(sha256_of "$work/$archive")
	if [ "$got" != "$want" ]; then
		log "checksum mismatch for $source/$archive: $sums says $want, the file has $got; refusing to install it"
		exit 1
	fi
	unzip -q "$work/$archive" terraform -d "$work/unpacked" || { log "$archive holds no terraform binary"; exit 1; }
	local unpacked="$work/unpacked/terraform"
	chmod +x "$unpacked"
	has_version "$unpacked" "Terraform v$version" version ||
		{ log "the terraform in $archive does not report Terraform v$version; refusing to install it"; exit 1; }
	# Copied next to the target first, so the rename into place is atomic.
	cp "$unpacked" "$bin/.terraform-$version.tmp"
	install_built "$bin/.terraform-$version.tmp" "$target"
}

# The hashicorp/time provider, laid out as a filesystem mirror for the examples.
build_time_provider() {
	local os_arch
	os_arch="$(go env GOOS)_$(go env GOARCH)"
	local dir="$tools_dir/mirror/registry.terraform.io/hashicorp/time/$TIME_PROVIDER_VERSION/$os_arch"
	local target="$dir/terraform-provider-time_v$TIME_PROVIDER_VERSION"
	[ -x "$target" ] && return
	log "installing hashicorp/time v$TIME_PROVIDER_VERSION into the local mirror"
	mkdir -p "$dir"
	local gobin
	gobin=$(mktemp -d "$tools_dir/gobin.XXXXXX")
	trap 'rm -rf "$gobin"; trap - RETURN' RETURN
	GOBIN="$gobin" go install -trimpath \
		-ldflags "-X main.version=$TIME_PROVIDER_VERSION" \
		"github.com/hashicorp/terraform-provider-time@v$TIME_PROVIDER_VERSION"
	install_built "$gobin/terraform-provider-time" "$target"
	# The same binary also serves registry.opentofu.org/hashicorp/time.
	local tofu_dir="$tools_dir/mirror/registry.opentofu.org/hashicorp/time/$TIME_PROVIDER_VERSION/$os_arch"
	mkdir -p "$tofu_dir"
	ln -sf "$target" "$tofu_dir/terraform-provider-time_v$TIME_PROVIDER_VERSION"
}

want=${*:-all}
for tool in $want; do
	case $tool in
	all)
		install_terraform "$TERRAFORM_VERSION"
		install_terraform "$TERRAFORM_CURRENT_VERSION"
		build_time_provider
		build_tofu "$TOFU_VERSION"
		;;
	tofu) build_tofu "$TOFU_VERSION" ;;
	tofu@*) build_tofu "${tool#tofu@}" ;;
	terraform) install_terraform "$TERRAFORM_VERSION" ;;
	terraform@*) install_terraform "${tool#terraform@}" ;;
	time) build_time_provider ;;
	*) log "unknown tool $tool"; exit 2 ;;
	esac
done
