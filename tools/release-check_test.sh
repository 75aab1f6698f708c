#!/usr/bin/env bash
# Tests tools/release-check.sh on dist/ layouts made here: the layout the
# registries require passes, and each way of getting a name, a zip's contents,
# the checksums, the signature or the plugin handshake wrong fails with its reason.
# Needs zip, unzip and sha256sum. Run by `make release-check`.
set -euo pipefail
cd "$(dirname "$0")/.."

check=tools/release-check.sh
project=terraform-provider-flexslot
version=1.2.3
host="$(go env GOOS)_$(go env GOARCH)"

work=$(mktemp -d "${TMPDIR:-/tmp}/release-check-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
flunk() {
	failed=$((failed + 1))
	printf 'FAIL %s\n' "$1"
	sed 's/^/     | /' "$2"
}

# A fake provider that answers the handshake with $1, or stays silent for "".
fake_binary() { # path, handshake line
	if [ -n "$2" ]; then
		printf '#!/bin/sh\necho %q\nexec sleep 60\n' "$2" >"$1"
	else
		printf '#!/bin/sh\nexit 1\n' >"$1"
	fi
	chmod 755 "$1"
}

good_line="1|6|unix|/tmp/plugin000|grpc|"

# layout DIR [name=value...]: writes a dist/ that is right unless told otherwise.
#   project=P          the project name in every file name
#   binary=NAME        the binary's name inside every zip (default P_vVERSION)
#   subdir=D           put the binary in D/ inside the zip
#   license=no         leave LICENSE out of the zips
#   line=L             the fake binary's handshake line ("" for none)
#   mode=M             the binary's file mode
#   targets="a b"      the zips to make
#   sums=nomanifest|badhash|withsig|none
#   manifest=none|other
#   sig=yes
#   version=V          the version in the file names
#   gobinary=PATH      put PATH in the zips instead of a fake binary
#   goreleaser=yes     lay out goreleaser's dist/: no manifest file, but a config.yaml
#                      whose release.extra_files uploads it under extra_tpl=TEMPLATE
#                      (extra_tpl=none: no release.extra_files)
layout() {
	local dir=$1
	shift
	local p=$project v=$version binary="" subdir="" license=yes line=$good_line mode=755
	local targets="linux_amd64 $host" sums=good manifest=good sig=no goreleaser=no gobinary=""
	local extra_tpl="{{ .ProjectName }}_{{ .Version }}_manifest.json"
	local kv
	for kv in "$@"; do
		case ${kv%%=*} in
		project) p=${kv#*=} ;;
		version) v=${kv#*=} ;;
		binary) binary=${kv#*=} ;;
		subdir) subdir=${kv#*=} ;;
		license) license=${kv#*=} ;;
		line) line=${kv#*=} ;;
		mode) mode=${kv#*=} ;;
		targets) targets=${kv#*=} ;;
		sums) sums=${kv#*=} ;;
		manifest) manifest=${kv#*=} ;;
		sig) sig=${kv#*=} ;;
		goreleaser) goreleaser=${kv#*=} ;;
		gobinary) gobinary=${kv#*=} ;;
		extra_tpl) extra_tpl=${kv#*=} ;;
		*) echo "layout: unknown $kv" >&2; exit 2 ;;
		esac
	done
	mkdir -p "$dir"
	local t stage name bin
	local target_list
	read -r -a target_list <<<"$targets"
	for t in $(printf '%s\n' "${target_list[@]}" | sort -u); do
		stage="$dir/.stage-$t"
		mkdir -p "$stage/${subdir:-.}"
		name=${binary:-${p}_v${v}}
		[ "${t%%_*}" != windows ] || [ -n "$binary" ] || name="$name.exe"
		bin="$stage/${subdir:+$subdir/}$name"
		if [ -n "$gobinary" ]; then cp "$gobinary" "$bin"; else fake_binary "$bin" "$line"; fi
		chmod "$mode" "$bin"
		[ "$license" = no ] || cp LICENSE "$stage/LICENSE"
		(cd "$stage" && zip -qr "../${p}_${v}_${t}.zip" .)
		rm -rf "$stage"
	done
	case $manifest in
	good) cp terraform-registry-manifest.json "$dir/${p}_${v}_manifest.json" ;;
	other) echo '{"version": 1, "metadata": {"protocol_versions": ["5.0"]}}' >"$dir/${p}_${v}_manifest.json" ;;
	none) ;;
	esac
	(
		cd "$dir"
		case $sums in
		good) sha256sum -- *.zip *_manifest.json >"${p}_${v}_SHA256SUMS" ;;
		nomanifest) sha256sum -- *.zip >"${p}_${v}_SHA256SUMS" ;;
		badhash)
			sha256sum -- *.zip *_manifest.json >"${p}_${v}_SHA256SUMS"
			sed -i '1s/^0/x/; 1s/^[1-9a-f]/0/; 1s/^x/1/' "${p}_${v}_SHA256SUMS"
			;;
		withsig)
			# What goreleaser 2.15 did: the signature listed in the file it signs.
			echo "not a signature" >"${p}_${v}_SHA256SUMS.sig"
			sha256sum -- *.zip *_manifest.json *.sig >"${p}_${v}_SHA256SUMS"
			;;
		none) ;;
		esac
		[ "$sig" != yes ] || echo "not a signature" >"${p}_${v}_SHA256SUMS.sig"
	)
	printf '{"project_name":"%s","tag":"v%s","version":"%s"}\n' "$p" "$v" "$v" >"$dir/metadata.json"
	if [ "$goreleaser" = yes ]; then
		# goreleaser lists the manifest in the checksums but leaves it out of dist/.
		rm -f "$dir/${p}_${v}_manifest.json"
		{
			echo "project_name: $p"
			echo "release:"
			echo "  github:"
			echo "    owner: flexslot"
			if [ "$extra_tpl" != none ]; then
				echo "  extra_files:"
				echo "    - glob: terraform-registry-manifest.json"
				echo "      name_template: '$extra_tpl'"
			fi
			echo "  draft: true"
			echo "checksum:"
			echo "  extra_files:"
			echo "    - glob: terraform-registry-manifest.json"
			echo "      name_template: '{{ .ProjectName }}_{{ .Version }}_manifest.json'"
		} >"$dir/config.yaml"
	fi
}

n=0
# expect pass|fail "description" "expected output substring" layout-args... -- check-args...
expect() {
	local want=$1 desc=$2 needle=$3
	shift 3
	local largs=() cargs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do largs+=("$1"); shift; done
	[ $# -eq 0 ] || shift
	cargs=("$@")
	n=$((n + 1))
	local dir="$work/$n" out="$work/$n.out" rc=0
	layout "$dir" "${largs[@]+"${largs[@]}"}"
	"$check" "${cargs[@]+"${cargs[@]}"}" "$dir" >"$out" 2>&1 || rc=$?
	if [ "$want" = pass ] && [ $rc -ne 0 ]; then
		flunk "$desc: want success, got exit $rc" "$out"
	elif [ "$want" = fail ] && [ $rc -ne 1 ]; then
		flunk "$desc: want exit 1, got exit $rc" "$out"
	elif [ -n "$needle" ] && ! grep -qF -- "$needle" "$out"; then
		flunk "$desc: output lacks '$needle'" "$out"
	else
		pass "$desc"
	fi
}

expect pass "the registries' layout" "is ready for the Terraform and OpenTofu registries" \
	-- --target linux_amd64 --handshake
expect pass "a snapshot version" "ok: ${project}_0.0.0-SNAPSHOT-abc1234_linux_amd64.zip" \
	version=0.0.0-SNAPSHOT-abc1234 --
expect pass "a Windows zip holds the .exe" "holds ${project}_v${version}.exe" \
	targets="linux_amd64 windows_amd64" -- --target windows_amd64

expect pass "goreleaser's dist/, the manifest uploaded from release.extra_files" "uploaded as ${project}_${version}_manifest.json" \
	goreleaser=yes -- --goreleaser-dist --handshake
expect fail "goreleaser's dist/ checked as uploaded files" "missing ${project}_${version}_manifest.json" \
	goreleaser=yes --
expect fail "release.extra_files uploads the manifest under another name" "${project}_manifest.json: the manifest must be named ${project}_${version}_manifest.json" \
	goreleaser=yes extra_tpl="{{ .ProjectName }}_manifest.json" -- --goreleaser-dist
expect fail "release.extra_files name the check cannot tell" "cannot tell the name '{{ .Tag }}_manifest.json'" \
	goreleaser=yes extra_tpl="{{ .Tag }}_manifest.json" -- --goreleaser-dist
expect fail "no release.extra_files: the manifest is not uploaded" "missing ${project}_${version}_manifest.json" \
	goreleaser=yes extra_tpl=none -- --goreleaser-dist

# --build-info: real Go binaries of a module with the provider's path.
gomod="$work/gomod"
mkdir -p "$gomod"
printf 'module github.com/flexslot/terraform-provider-flexslot\n\ngo 1.21\n' >"$gomod/go.mod"
printf 'package main\n\nvar version = "dev"\n\nfunc main() { println(version) }\n' >"$gomod/main.go"
gobuild() { # output, GOOS/GOARCH, go build args...
	local out=$1 target=$2
	shift 2
	(cd "$gomod" && GOFLAGS='' GOWORK=off CGO_ENABLED=0 GOOS=${target%/*} GOARCH=${target#*/} go build -trimpath -o "$out" "$@" .)
}
gobuild "$work/good" linux/amd64 -ldflags "-s -w -X main.version=$version"
gobuild "$work/noversion" linux/amd64 -ldflags "-s -w"
gobuild "$work/arm64" linux/arm64 -ldflags "-s -w -X main.version=$version"
expect pass "--build-info: built for the zip's target with main.version" "built for linux/amd64 with main.version=$version" \
	targets=linux_amd64 gobinary="$work/good" -- --build-info
expect fail "--build-info: main.version not set" "main.version is not set to $version" \
	targets=linux_amd64 gobinary="$work/noversion" -- --build-info
expect fail "--build-info: the arm64 binary in the amd64 zip" "not built for GOARCH=amd64" \
	targets=linux_amd64 gobinary="$work/arm64" -- --build-info
expect fail "--build-info: not a Go binary" "is not a Go binary" \
	targets=linux_amd64 -- --build-info

# The issue: goreleaser named everything after the clone's directory, main.
expect fail "project named after the clone (main_...)" "main_${version}_linux_amd64.zip: must be named ${project}_${version}_<os>_<arch>.zip" \
	project=main -- --version "$version"
expect fail "checksum file named after the clone" "main_${version}_SHA256SUMS: the checksum file must be named ${project}_${version}_SHA256SUMS" \
	project=main -- --version "$version"
expect fail "binary without the _v before its version" "must hold exactly ${project}_v${version} and LICENSE" \
	binary="${project}_${version}" --
expect fail "binary named main_v..." "holds: LICENSE main_v${version}" \
	binary="main_v${version}" --
expect fail "binary in a folder inside the zip" "must hold exactly ${project}_v${version} and LICENSE" \
	subdir=bin --
expect fail "Windows binary without .exe" "must hold exactly ${project}_v${version}.exe and LICENSE" \
	targets="linux_amd64 windows_amd64" binary="${project}_v${version}" --
expect fail "zip without LICENSE" "must hold exactly ${project}_v${version} and LICENSE" \
	license=no --
expect fail "binary not executable" "is not executable" \
	mode=644 --
expect fail "version with a leading v in the names" "is not a semantic version without a leading v" \
	version=v1.2.3 --
expect fail "a target that is not a release target" "solaris_amd64 is not one of the release targets" \
	targets="linux_amd64 solaris_amd64" --
expect fail "a required target missing" "missing ${project}_${version}_darwin_arm64.zip" \
	-- --target darwin_arm64
expect fail "manifest missing" "missing ${project}_${version}_manifest.json" \
	manifest=none sums=nomanifest --
expect fail "manifest differs from terraform-registry-manifest.json" "${project}_${version}_manifest.json differs" \
	manifest=other --
expect fail "checksums without the manifest" "must list exactly the zips and ${project}_${version}_manifest.json" \
	sums=nomanifest --
expect fail "a wrong checksum" "checksums do not match" \
	sums=badhash --
expect fail "the signature listed in the checksums it signs" "must list exactly the zips and ${project}_${version}_manifest.json" \
	sums=withsig --
expect fail "checksum file missing" "missing ${project}_${version}_SHA256SUMS" \
	sums=none --
expect fail "signature missing" "missing ${project}_${version}_SHA256SUMS.sig" \
	-- --signed
expect fail "version differs from metadata.json" "must be named ${project}_9.9.9_<os>_<arch>.zip" \
	-- --version 9.9.9
expect fail "handshake on protocol 5" "handshake: ${project}_v${version} answered '1|5|unix" \
	line="1|5|unix|/tmp/plugin000|grpc|" -- --handshake
expect fail "handshake not grpc" "want 1|6|unix|<socket>|grpc|" \
	line="1|6|unix|/tmp/plugin000|netrpc|" -- --handshake
expect fail "no handshake at all" "answered ''" \
	line="" -- --handshake

# changelog mode: expect_changelog pass|fail "description" "output substring" "changelog text" [VERSION]
expect_changelog() {
	local want=$1 desc=$2 needle=$3 text=$4 v=${5:-}
	n=$((n + 1))
	local file="$work/$n.md" out="$work/$n.out" rc=0
	printf '%s\n' "$text" >"$file"
	"$check" changelog -f "$file" ${v:+"$v"} >"$out" 2>&1 || rc=$?
	if [ "$want" = pass ] && [ $rc -ne 0 ]; then
		flunk "$desc: want success, got exit $rc" "$out"
	elif [ "$want" = fail ] && [ $rc -ne 1 ]; then
		flunk "$desc: want exit 1, got exit $rc" "$out"
	elif [ -n "$needle" ] && ! grep -qF -- "$needle" "$out"; then
		flunk "$desc: output lacks '$needle'" "$out"
	else
		pass "$desc"
	fi
}
# shellcheck disable=SC2016 # backquotes are Markdown here
good_changelog='# Changelog

Follows the format.

## 1.3.0 (Unreleased)

FEATURES:

* **New Resource:** `flexslot_thing`: a thing,
  on two lines.

BUG FIXES:

* provider: a fix.

## 1.2.0 (March 4, 2026)

NOTES:

* A note.'

expect_changelog pass "the repository's CHANGELOG.md" "follows the changelog format" "$(cat CHANGELOG.md)"
expect_changelog pass "a changelog in the format" "follows the changelog format" "$good_changelog"
expect_changelog pass "release notes of a dated version" "* A note." "$good_changelog" 1.2.0
expect_changelog pass "release notes of a pre-release come from its release" "on two lines." "$good_changelog" 1.3.0-rc.1
expect_changelog fail "release notes of a version still unreleased" "still says '## 1.3.0 (Unreleased)'" "$good_changelog" 1.3.0
expect_changelog fail "release notes of a version not there" "has no '## 9.0.0 (...)' section" "$good_changelog" 9.0.0
expect_changelog pass "a new unreleased version with no entry yet" "follows the changelog format" \
	"${good_changelog/'## 1.3.0 (Unreleased)'/'## 1.4.0 (Unreleased)

## 1.3.0 (May 1, 2026)'}"
expect_changelog fail "a released version with no entry" "the version above has no section" \
	"${good_changelog/'## 1.3.0 (Unreleased)'/'## 1.4.0 (Unreleased)

## 1.3.1 (May 2, 2026)

## 1.3.0 (May 1, 2026)'}"
expect_changelog fail "Keep a Changelog heading" "a version heading is '## X.Y.Z (Unreleased)'" \
	"${good_changelog/'## 1.2.0 (March 4, 2026)'/'## [1.2.0] - 2026-03-04'}"
expect_changelog fail "unknown section label" "'Added:' is not one of" \
	"${good_changelog/NOTES:/Added:}"
expect_changelog fail "lower-case section label" "'Notes:' is not one of" \
	"${good_changelog/NOTES:/Notes:}"
expect_changelog fail "sections out of order" "'FEATURES:' repeated or out of order" \
	"${good_changelog/BUG FIXES:/FEATURES:}"
expect_changelog fail "an older version still unreleased" "only the top version may be (Unreleased)" \
	"${good_changelog/'(March 4, 2026)'/(Unreleased)}"
expect_changelog fail "a '-' bullet" "expected a section label, a '* ' entry" \
	"${good_changelog/'* A note.'/'- A note.'}"
expect_changelog fail "an entry outside a section" "an entry outside a section" \
	"${good_changelog/'NOTES:'/}"

echo "release-check tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
