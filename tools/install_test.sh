#!/usr/bin/env bash
# Tests of tools/install.sh's release archive install: from a release mirror
# (TERRAFORM_RELEASES, with and without "{version}"), a Terraform whose checksum
# matches its SHA256SUMS is installed; an archive with a wrong checksum, one the
# SHA256SUMS does not list, and one whose binary is another version are each
# refused with a message that says why, and leave no binary behind.
#
# Runs in a temporary tools directory with a stand-in terraform that only
# prints its version, so it downloads and builds nothing. Needs zip and unzip.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in zip unzip; do
	command -v "$tool" >/dev/null || { echo "install_test: $tool is required" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/flexslot-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

version=9.9.9
archive="terraform_${version}_$(go env GOOS)_$(go env GOARCH).zip"
sums="terraform_${version}_SHA256SUMS"
failures=0

# release DIR REPORTED_VERSION: a release mirror in DIR whose terraform reports
# REPORTED_VERSION, with a SHA256SUMS that matches it.
release() {
	mkdir -p "$1/pack"
	printf '#!/bin/sh\necho "Terraform v%s"\necho "on linux_amd64"\n' "$2" >"$1/pack/terraform"
	chmod +x "$1/pack/terraform"
	(cd "$1/pack" && zip -q "../$archive" terraform)
	rm -rf "$1/pack"
	(cd "$1" && sha256sum "$archive" >"$sums")
	printf '%s  terraform_%s_windows_amd64.zip\n' "$(printf x | sha256sum | cut -d' ' -f1)" "$version" >>"$1/$sums"
}

# install NAME RELEASES: runs install.sh terraform@version with TERRAFORM_RELEASES
# set, in a tools directory of its own; its output goes to $work/NAME.log.
install() {
	FLEXSLOT_TOOLS_DIR="$work/$1.tools" TERRAFORM_RELEASES=$2 \
		./tools/install.sh "terraform@$version" >"$work/$1.log" 2>&1
}

pass() { echo "ok   $1"; }
fail() {
	echo "FAIL $1" >&2
	sed 's/^/     /' "$work/$2.log" >&2
	failures=$((failures + 1))
}

# expect_installed NAME RELEASES
expect_installed() {
	local bin="$work/$1.tools/bin/terraform-$version"
	if install "$1" "$2" && [ -x "$bin" ] && "$bin" version | grep -qxF "Terraform v$version"; then
		pass "$1: installed"
	else
		fail "$1: want terraform-$version installed" "$1"
	fi
}

# expect_refused NAME RELEASES MESSAGE
expect_refused() {
	if install "$1" "$2"; then
		fail "$1: install.sh succeeded, want it to refuse" "$1"
	elif ! grep -qF -- "$3" "$work/$1.log"; then
		fail "$1: want the message \"$3\"" "$1"
	elif [ -n "$(ls -A "$work/$1.tools/bin")" ]; then
		fail "$1: a refused install left files in bin/: $(ls -A "$work/$1.tools/bin")" "$1"
	else
		pass "$1: refused"
	fi
}

release "$work/good" "$version"
expect_installed good "$work/good"

mkdir -p "$work/versioned/$version"
release "$work/versioned/$version" "$version"
expect_installed versioned "$work/versioned/{version}"

release "$work/tampered" "$version"
(cd "$work/tampered" && printf '\n' >>"$archive")
expect_refused tampered "$work/tampered" "checksum mismatch for $work/tampered/$archive"

release "$work/unlisted" "$version"
grep -vF "$archive" "$work/unlisted/$sums" >"$work/unlisted/sums" && mv "$work/unlisted/sums" "$work/unlisted/$sums"
expect_refused unlisted "$work/unlisted" "lists no checksum for $archive; refusing to install it"

release "$work/other" 9.9.8
expect_refused other "$work/other" "does not report Terraform v$version; refusing to install it"

expect_refused missing "$work/nowhere" "$work/nowhere/$sums does not exist"

if [ "$failures" -ne 0 ]; then
	echo "install_test: $failures failed" >&2
	exit 1
fi
echo "install_test: all passed"
