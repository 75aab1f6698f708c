#!/usr/bin/env bash
# Builds the test CLIs and build-time tools into $FLEXSLOT_TOOLS_DIR/bin, each only
# when missing or at the wrong version. Every binary is built into a temporary
# file and renamed into place, so a half-written binary is never used.
#
# Usage: tools/install.sh [TOOL...]   (default: all)
#   all            tofu, terraform, golangci-lint, tfplugindocs and time: what the
#                  tests, lint, docs and examples need
#   release        goreleaser and actionlint: what `make release-check` and
#                  `make actionlint` need
#   tofu, terraform, golangci-lint, tfplugindocs, time, goreleaser, actionlint
#
# Every version comes from tools/versions.env.
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

build_tofu() {
	local target="$bin/tofu-$TOFU_VERSION"
	if has_version "$target" "OpenTofu v$TOFU_VERSION" version; then return; fi
	log "building OpenTofu v$TOFU_VERSION (takes several minutes on first run)"
	local src work
	src=$(go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -n "$src" ] || { log "could not download github.com/opentofu/opentofu@v$TOFU_VERSION"; exit 1; }
	work=$(mktemp -d "$tools_dir/tofu-src.XXXXXX")
	trap 'rm -rf "$work"; trap - RETURN' RETURN
	cp -r "$src/." "$work/"
	chmod -R u+w "$work"
	(cd "$work" && CGO_ENABLED=0 go build -trimpath \
		-ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
		-o "$bin/.tofu-$TOFU_VERSION.tmp" ./cmd/tofu)
	install_built "$bin/.tofu-$TOFU_VERSION.tmp" "$target"
}

build_terraform() {
	local target="$bin/terraform-$TERRAFORM_VERSION"
	if has_version "$target" "Terraform v$TERRAFORM_VERSION" version; then return; fi
	log "building Terraform v$TERRAFORM_VERSION"
	local gobin
	gobin=$(mktemp -d "$tools_dir/gobin.XXXXXX")
	trap 'rm -rf "$gobin"; trap - RETURN' RETURN
	CGO_ENABLED=0 GOBIN="$gobin" go install -trimpath -ldflags "-s -w" "github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
	install_built "$gobin/terraform" "$target"
}

# built_from: the binary was built by "go install pkg@version" (some tools, such as
# tfplugindocs, report version "dev" when built that way).
built_from() { # binary, pkg@version
	local info
	info=$(go version -m "$1" 2>/dev/null) || return 1
	grep -qxF "$(printf '\tpath\t%s' "${2%@*}")" <<<"$info" &&
		grep -qE "^[[:space:]]mod[[:space:]][^[:space:]]+[[:space:]]${2##*@}([[:space:]]|$)" <<<"$info"
}

go_install() { # name, module@version, expected version substring, version args...
	local name=$1 pkg=$2 want=$3
	shift 3
	local target="$bin/$name"
	if has_version "$target" "$want" "$@" || built_from "$target" "$pkg"; then return; fi
	log "installing $pkg"
	local gobin exe
	gobin=$(mktemp -d "$tools_dir/gobin.XXXXXX")
	trap 'rm -rf "$gobin"; trap - RETURN' RETURN
	GOBIN="$gobin" go install -trimpath "$pkg"
	# go install names the binary after the package path's last element, or the
	# one before it for a major version suffix (.../goreleaser/v2 -> goreleaser).
	exe=$(basename "${pkg%@*}")
	if [[ $exe =~ ^v[0-9]+$ ]]; then exe=$(basename "$(dirname "${pkg%@*}")"); fi
	install_built "$gobin/$exe" "$target"
}

install_golangci_lint() {
	go_install golangci-lint "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$GOLANGCI_LINT_VERSION" "$GOLANGCI_LINT_VERSION" version
}
install_tfplugindocs() {
	go_install tfplugindocs "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@v$TFPLUGINDOCS_VERSION" "$TFPLUGINDOCS_VERSION" --version
}
install_goreleaser() {
	go_install goreleaser "github.com/goreleaser/goreleaser/v2@v$GORELEASER_VERSION" "v$GORELEASER_VERSION" --version
}
install_actionlint() {
	go_install actionlint "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION" "v$ACTIONLINT_VERSION" -version
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
		build_terraform
		install_golangci_lint
		install_tfplugindocs
		build_time_provider
		build_tofu
		;;
	release)
		install_goreleaser
		install_actionlint
		;;
	tofu) build_tofu ;;
	terraform) build_terraform ;;
	golangci-lint) install_golangci_lint ;;
	tfplugindocs) install_tfplugindocs ;;
	time) build_time_provider ;;
	goreleaser) install_goreleaser ;;
	actionlint) install_actionlint ;;
	*) log "unknown tool $tool"; exit 2 ;;
	esac
done
