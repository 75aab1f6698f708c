#!/usr/bin/env bash
# Checks the files of a provider release against the names and contents that the
# Terraform Registry and the OpenTofu Registry require:
#
#   terraform-provider-flexslot_<version>_<os>_<arch>.zip
#       holding terraform-provider-flexslot_v<version> (.exe on Windows), executable,
#       at the top of the zip, beside LICENSE and nothing else
#   terraform-provider-flexslot_<version>_manifest.json
#       identical to terraform-registry-manifest.json
#   terraform-provider-flexslot_<version>_SHA256SUMS
#       one line for each zip and for the manifest, every checksum right
#   terraform-provider-flexslot_<version>_SHA256SUMS.sig   (with --signed)
#
# and, with --handshake, starts the binary built for this machine the way
# Terraform and OpenTofu do and reads its go-plugin handshake line.
#
# Usage: tools/release-check.sh [options] DIR
#   DIR holds a release's files as uploaded (the release workflow downloads them)
#   --goreleaser-dist    DIR is goreleaser's dist/: check what a release of it
#                        uploads (its zips, checksums and signature, and the
#                        release.extra_files of DIR/config.yaml, renamed)
#   --version V          the version every name must carry (default: DIR/metadata.json)
#   --target OS_ARCH     a zip that must be there, e.g. linux_amd64 (repeatable)
#   --all-targets        every release target must be there
#   --signed             the .sig must be there and verify with gpg
#   --handshake          run the plugin handshake with this machine's binary
#   --build-info         every binary was built from this module for its zip's
#                        OS and architecture, without cgo, with main.version=V
#   --manifest FILE      the manifest the release must carry
#                        (default: terraform-registry-manifest.json of this checkout)
#        tools/release-check.sh snapshot [--all-targets]
#   goreleaser check, then a snapshot release of linux_amd64 (of every target
#   with --all-targets) into dist/, signed with a throwaway key when gpg is
#   there, then the checks above on it, with --build-info, --signed when signed,
#   and the handshake when this machine's binary was built. $GORELEASER is the goreleaser
#   to run (default: goreleaser on PATH).
#        tools/release-check.sh changelog [-f FILE] [VERSION]
#   checks FILE (default CHANGELOG.md) against the format its top describes and,
#   given VERSION, prints that version's section: the release notes
#
# Needs unzip and sha256sum, and go for --build-info and --handshake. Prints
# every problem it finds and exits 1 if any.
set -euo pipefail

project=terraform-provider-flexslot
repository=flexslot/terraform-provider-flexslot
module=github.com/$repository
root=$(cd "$(dirname "$0")/.." && pwd)
# Every <os>_<arch> of .goreleaser.yml, as goreleaser names them.
all_targets=(
	darwin_amd64 darwin_arm64
	freebsd_386 freebsd_amd64 freebsd_arm freebsd_arm64
	linux_386 linux_amd64 linux_arm linux_arm64
	windows_386 windows_amd64 windows_arm64
)
# go-plugin's handshake as Terraform and OpenTofu start a protocol 6 provider.
magic_cookie=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2
handshake_timeout=30

usage() {
	sed -n "17,42{s/^# \{0,1\}//;p;}" "$0" >&2
	exit 2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/release-check.XXXXXX")
cleanup() {
	# The gpg-agent of a throwaway keyring (snapshot mode) goes with it.
	if [ "${GNUPGHOME:-}" = "$work/gnupg" ]; then gpgconf --kill all 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

# --- changelog mode ----------------------------------------------------------
# HashiCorp's provider changelog format: "## X.Y.Z (Unreleased)" or
# "## X.Y.Z (Month D, YYYY)" headings, newest first; under each, these section
# labels in this order, each followed by "* " entries. Only the unreleased
# version at the top may have no section yet.
changelog_sections=("BREAKING CHANGES:" "NOTES:" "FEATURES:" "ENHANCEMENTS:" "BUG FIXES:")
months="January|February|March|April|May|June|July|August|September|October|November|December"
semver_re='[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?'

changelog_lint() { # file
	local file=$1 line n=0 lineno=0 last=0 entries=0 in_section=false in_entry=false unreleased=false bad=0 i rank
	local -A seen=()
	complain() { printf 'release-check: FAIL: %s:%d: %s\n' "$file" "$lineno" "$*" >&2; bad=$((bad + 1)); }
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		if [[ $line == "## "* ]]; then
			if [ "$n" -gt 0 ] && ! $in_section && ! $unreleased; then complain "the version above has no section"; fi
			n=$((n + 1))
			last=0 in_section=false in_entry=false unreleased=false
			[[ $line != *"(Unreleased)" ]] || unreleased=true
			if ! [[ $line =~ ^"## "($semver_re)" ("(Unreleased|($months)" "[1-9][0-9]?", "[0-9]{4})")"$ ]]; then
				complain "'$line': a version heading is '## X.Y.Z (Unreleased)' or '## X.Y.Z (Month D, YYYY)'"
				continue
			fi
			if [[ $line == *"(Unreleased)" ]] && [ "$n" -gt 1 ]; then complain "only the top version may be (Unreleased)"; fi
			if [ -n "${seen[${BASH_REMATCH[1]}]:-}" ]; then complain "version ${BASH_REMATCH[1]} appears twice"; fi
			seen[${BASH_REMATCH[1]}]=1
			continue
		fi
		[ "$n" -gt 0 ] || continue # the text above the first version
		if [[ $line =~ ^[A-Za-z][A-Za-z\ ]*:$ ]]; then
			rank=0
			for i in "${!changelog_sections[@]}"; do
				[ "$line" != "${changelog_sections[$i]}" ] || rank=$((i + 1))
			done
			if [ "$rank" -eq 0 ]; then
				complain "'$line' is not one of: ${changelog_sections[*]}"
			elif [ "$rank" -le "$last" ]; then
				complain "'$line' repeated or out of order (order: ${changelog_sections[*]})"
			fi
			if $in_section && [ "$entries" -eq 0 ]; then complain "the section above '$line' has no entry"; fi
			[ "$rank" -eq 0 ] || last=$rank
			in_section=true in_entry=false entries=0
		elif [ -z "$line" ]; then
			in_entry=false
		elif [[ $line == "* "?* ]]; then
			$in_section || complain "an entry outside a section: '$line'"
			in_entry=true entries=$((entries + 1))
		elif [[ $line == "  "[![:space:]]* ]] && $in_entry; then
			:
		else
			complain "'$line': expected a section label, a '* ' entry or its continuation indented two spaces"
		fi
	done <"$file"
	[ "$n" -gt 0 ] || complain "no version heading"
	[ "$n" -eq 0 ] || $in_section || $unreleased || complain "the last version has no section"
	[ "$bad" -eq 0 ]
}

changelog_notes() { # file, version: prints the version's section
	local file=$1 version=$2 heading base
	heading=$(grep -m 1 -E "^## ${version//./\\.} \(" "$file" || true)
	base=${version%%-*}
	if [ -z "$heading" ] && [ "$base" != "$version" ]; then
		# A pre-release without a section of its own gets its release's section.
		heading=$(grep -m 1 -E "^## ${base//./\\.} \(" "$file" || true)
	fi
	if [ -z "$heading" ]; then
		echo "release-check: FAIL: $file has no '## $version (...)' section" >&2
		return 1
	fi
	if [ "$base" = "$version" ] && [[ $heading == *"(Unreleased)" ]]; then
		echo "release-check: FAIL: $file still says '$heading'; give it the release date before tagging v$version" >&2
		return 1
	fi
	awk -v h="$heading" '
		$0 == h { on = 1; next }
		on && /^## / { exit }
		on { lines[++n] = $0 }
		END {
			first = 1; while (first <= n && lines[first] == "") first++
			last = n; while (last >= first && lines[last] == "") last--
			for (i = first; i <= last; i++) print lines[i]
		}' "$file"
}

if [ "${1:-}" = changelog ]; then
	shift
	file="$root/CHANGELOG.md"
	if [ "${1:-}" = -f ]; then file=${2:?}; shift 2; fi
	[ $# -le 1 ] || usage
	version=${1:-}
	changelog_lint "$file" || exit 1
	if [ -z "$version" ]; then
		echo "release-check: ok: $file follows the changelog format" >&2
		exit 0
	fi
	changelog_notes "$file" "$version"
	exit
fi

# --- snapshot mode -----------------------------------------------------------
snapshot() { # [--all-targets]
	local all=false cfg
	[ "${1:-}" != --all-targets ] || { all=true; shift; }
	[ $# -eq 0 ] || usage
	local goreleaser=${GORELEASER:-goreleaser}
	cd "$root"
	"$goreleaser" check
	cfg="$work/goreleaser.yml"
	if $all; then
		cp .goreleaser.yml "$cfg"
	else
		# The same configuration, built for linux_amd64 only.
		awk '{ print } /^builds:/ { b = 1 } b && /^  - id: provider$/ { print "    targets: [linux_amd64_v1]"; b = 0 }' \
			.goreleaser.yml >"$cfg"
		grep -q '^    targets: \[linux_amd64_v1\]$' "$cfg" ||
			{ echo "release-check: no '  - id: provider' build in .goreleaser.yml" >&2; exit 2; }
	fi
	# Without a git remote goreleaser leaves the commit out of the snapshot's
	# version; name the repository for it then, whatever this clone is.
	if [ -z "$(git remote)" ]; then
		export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url \
			GIT_CONFIG_VALUE_0="https://github.com/$repository.git"
	fi
	# Sign as the release does, with a key made for this run, so that the signing
	# configuration and the checksum file it signs are checked too.
	local skip=()
	if command -v gpg >/dev/null && command -v gpgconf >/dev/null; then
		export GNUPGHOME="$work/gnupg"
		mkdir -m 700 "$GNUPGHOME"
		gpg --batch --quiet --gen-key <<-EOF
			%no-protection
			Key-Type: RSA
			Key-Length: 2048
			Key-Usage: sign
			Name-Real: $project release check
			Name-Email: release-check@example.com
			Expire-Date: 1d
			%commit
		EOF
		GPG_FINGERPRINT=$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr:/ { print $10; exit }')
		export GPG_FINGERPRINT
		signed=true
		echo "release-check: signing the snapshot with a throwaway key, $GPG_FINGERPRINT"
	else
		skip=(--skip=sign)
		echo "release-check: gpg not found: the snapshot is not signed"
	fi
	"$goreleaser" release --config "$cfg" --snapshot --clean "${skip[@]}"
}

# --- release files mode ------------------------------------------------------
version=
targets=()
signed=false
handshake=false
handshake_if_built=false
build_info=false
from_goreleaser=false
manifest_src="$root/terraform-registry-manifest.json"
if [ "${1:-}" = snapshot ]; then
	shift
	snapshot "$@"
	from_goreleaser=true
	handshake_if_built=true
	build_info=true
	if [ "${1:-}" = --all-targets ]; then targets=("${all_targets[@]}"); else targets=(linux_amd64); fi
	set -- "$root/dist"
fi
while [ $# -gt 0 ]; do
	case $1 in
	--goreleaser-dist) from_goreleaser=true; shift ;;
	--version) version=${2:?}; shift 2 ;;
	--target) targets+=("${2:?}"); shift 2 ;;
	--all-targets) targets+=("${all_targets[@]}"); shift ;;
	--signed) signed=true; shift ;;
	--handshake) handshake=true; shift ;;
	--build-info) build_info=true; shift ;;
	--manifest) manifest_src=${2:?}; shift 2 ;;
	-h | --help) usage ;;
	-*) echo "release-check: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
dist=$1
[ -d "$dist" ] || { echo "release-check: $dist is not a directory" >&2; exit 2; }
for cmd in unzip sha256sum; do
	command -v "$cmd" >/dev/null || { echo "release-check: needs $cmd" >&2; exit 2; }
done

problems=0
fail() {
	printf 'release-check: FAIL: %s\n' "$*" >&2
	problems=$((problems + 1))
}
ok() { printf 'release-check: ok: %s\n' "$*"; }

if [ -z "$version" ]; then
	[ -f "$dist/metadata.json" ] || { echo "release-check: no --version and no $dist/metadata.json" >&2; exit 2; }
	version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$dist/metadata.json" | head -n 1)
	[ -n "$version" ] || { echo "release-check: no version in $dist/metadata.json" >&2; exit 2; }
fi
# A registry version is semver without a leading v.
if ! [[ $version =~ ^$semver_re(\+[0-9A-Za-z.-]+)?$ ]]; then
	fail "version '$version' is not a semantic version without a leading v"
fi
echo "release-check: $dist, version $version"

prefix="${project}_${version}"
sums="${prefix}_SHA256SUMS"
manifest="${prefix}_manifest.json"

# --- what a release of goreleaser's dist/ uploads ----------------------------
# goreleaser uploads the archives, the checksums and their signature from dist/,
# and each release.extra_files entry under its name_template; the manifest is
# one of those and is not in dist/ itself. Gather the same set in one folder.
extra_files() { # config.yaml: prints "glob<TAB>name_template" for each release.extra_files entry
	awk '
		function emit() { if (glob != "") print glob "\t" tpl; glob = ""; tpl = "" }
		function unquote(v) { if (v ~ /^'"'"'.*'"'"'$/ || v ~ /^".*"$/) v = substr(v, 2, length(v) - 2); return v }
		/^[^ #]/ { emit(); release = ($0 == "release:"); extra = 0; next }
		release && /^  [a-z_]+:/ { emit(); extra = ($0 ~ /^  extra_files:/); next }
		release && extra && /^    - glob: / { emit(); v = $0; sub(/^    - glob: /, "", v); glob = unquote(v); next }
		release && extra && /^      name_template: / { v = $0; sub(/^      name_template: /, "", v); tpl = unquote(v); next }
		END { emit() }
	' "$1"
}
if $from_goreleaser; then
	[ -f "$dist/config.yaml" ] || { echo "release-check: $dist/config.yaml missing: not a goreleaser dist/" >&2; exit 2; }
	project_name=$(sed -n 's/.*"project_name": *"\([^"]*\)".*/\1/p' "$dist/metadata.json" 2>/dev/null | head -n 1)
	staged="$work/upload"
	mkdir -p "$staged"
	for path in "$dist"/*.zip "$dist"/*SHA256SUMS*; do
		[ ! -f "$path" ] || cp "$path" "$staged/"
	done
	while IFS=$'\t' read -r glob tpl; do
		[ -n "$glob" ] || continue
		name=${tpl:-$(basename "$glob")}
		for field in "{{ .ProjectName }}" "{{.ProjectName}}"; do name=${name//"$field"/$project_name}; done
		for field in "{{ .Version }}" "{{.Version}}"; do name=${name//"$field"/$version}; done
		if [[ $name == *"{{"* ]]; then
			fail "release.extra_files: cannot tell the name '$tpl' gives $glob"
			continue
		fi
		matches=()
		for path in "$root"/$glob; do [ ! -f "$path" ] || matches+=("$path"); done
		if [ ${#matches[@]} -ne 1 ]; then
			fail "release.extra_files: $glob matches ${#matches[@]} files, not 1"
			continue
		fi
		cp "${matches[0]}" "$staged/$name"
		echo "release-check: uploaded as $name: $glob (release.extra_files)"
	done < <(extra_files "$dist/config.yaml")
	dist=$staged
fi
if $handshake_if_built; then
	if [ -f "$dist/${prefix}_$(go env GOOS)_$(go env GOARCH).zip" ]; then
		handshake=true
	else
		echo "release-check: no handshake: no binary for $(go env GOOS)_$(go env GOARCH) in this snapshot"
	fi
fi

# --- the files at the top of dist/ -------------------------------------------
zips=()
for path in "$dist"/*.zip; do
	[ -e "$path" ] || continue
	zips+=("$(basename "$path")")
done
[ ${#zips[@]} -gt 0 ] || fail "no .zip in $dist"

for path in "$dist"/*SHA256SUMS*; do
	[ -e "$path" ] || continue
	name=$(basename "$path")
	case $name in
	"$sums") ;;
	"$sums.sig") ;;
	*) fail "$name: the checksum file must be named $sums" ;;
	esac
done
for path in "$dist"/*manifest.json; do
	[ -e "$path" ] || continue
	name=$(basename "$path")
	[ "$name" = "$manifest" ] || fail "$name: the manifest must be named $manifest"
done

# --- the manifest ------------------------------------------------------------
if [ ! -f "$dist/$manifest" ]; then
	fail "missing $manifest"
elif ! cmp -s "$dist/$manifest" "$manifest_src"; then
	fail "$manifest differs from $manifest_src"
else
	ok "$manifest"
fi

# --- each zip ----------------------------------------------------------------
# The Go build information of a zip's binary: built from this module for the
# zip's OS and architecture, without cgo; and main.version set to the release's
# version (what the provider reports).
check_build_info() { # zip name, binary name, os, arch
	local name=$1 binary=$2 os=$3 arch=$4 dir info problem=""
	dir="$work/build-info/$name"
	mkdir -p "$dir"
	unzip -q -o "$dist/$name" "$binary" -d "$dir"
	if ! info=$(go version -m "$dir/$binary" 2>&1); then
		fail "$name: $binary is not a Go binary: $info"
		return
	fi
	grep -qE "^[[:space:]]path[[:space:]]$module\$" <<<"$info" || problem="not built from $module"
	grep -qE "^[[:space:]]build[[:space:]]GOOS=$os\$" <<<"$info" || problem="${problem:+$problem; }not built for GOOS=$os"
	grep -qE "^[[:space:]]build[[:space:]]GOARCH=$arch\$" <<<"$info" || problem="${problem:+$problem; }not built for GOARCH=$arch"
	grep -qE "^[[:space:]]build[[:space:]]CGO_ENABLED=0\$" <<<"$info" || problem="${problem:+$problem; }built with cgo"
	# -trimpath keeps -ldflags out of the build information: look for the string
	# that -X main.version=V stores instead.
	grep -qaF -- "$version" "$dir/$binary" || problem="${problem:+$problem; }main.version is not set to $version"
	if [ -n "$problem" ]; then
		fail "$name: $binary: $problem"
	else
		ok "$name: $binary built for ${os}/${arch} with main.version=$version"
	fi
	rm -rf "$dir"
}
binary_for() { # os
	if [ "$1" = windows ]; then echo "${project}_v${version}.exe"; else echo "${project}_v${version}"; fi
}
check_zip() { # name
	local name=$1 rest os arch
	if [[ $name != "${prefix}_"*.zip ]]; then
		fail "$name: must be named ${prefix}_<os>_<arch>.zip"
		return
	fi
	rest=${name#"${prefix}_"}
	rest=${rest%.zip}
	os=${rest%%_*}
	arch=${rest#*_}
	local known=false t
	for t in "${all_targets[@]}"; do [ "$t" = "${os}_${arch}" ] && known=true; done
	if ! $known; then
		fail "$name: ${os}_${arch} is not one of the release targets (${all_targets[*]})"
		return
	fi
	local want entries
	want=$(binary_for "$os")
	if ! entries=$(unzip -Z1 "$dist/$name" 2>&1); then
		fail "$name: not a readable zip: $entries"
		return
	fi
	local expected
	expected=$(printf '%s\n' LICENSE "$want" | LC_ALL=C sort)
	if [ "$(LC_ALL=C sort <<<"$entries")" != "$expected" ]; then
		fail "$name: must hold exactly $want and LICENSE at its top, holds: $(tr '\n' ' ' <<<"$entries")"
		return
	fi
	if [ "$os" != windows ]; then
		local mode
		mode=$(unzip -Z "$dist/$name" "$want" 2>/dev/null | awk 'NR==1 {print $1}')
		if [[ $mode != -??x* ]]; then
			fail "$name: $want is not executable (mode $mode)"
			return
		fi
	fi
	ok "$name holds $want"
	if $build_info; then check_build_info "$name" "$want" "$os" "$arch"; fi
}
for z in "${zips[@]}"; do check_zip "$z"; done

for t in "${targets[@]}"; do
	[ -f "$dist/${prefix}_${t}.zip" ] || fail "missing ${prefix}_${t}.zip"
done

# --- the checksums -----------------------------------------------------------
if [ ! -f "$dist/$sums" ]; then
	fail "missing $sums"
else
	listed=$(awk '{print $2}' "$dist/$sums" | LC_ALL=C sort)
	expected=$(printf '%s\n' "${zips[@]}" "$manifest" | LC_ALL=C sort)
	if [ "$listed" != "$expected" ]; then
		fail "$sums must list exactly the zips and $manifest; lists: $(tr '\n' ' ' <<<"$listed")"
	fi
	if ! grep -qvE '^[0-9a-f]{64}  [^ ]+$' "$dist/$sums"; then
		if out=$(cd "$dist" && sha256sum --check --strict --quiet "$sums" 2>&1); then
			ok "$sums: $(wc -l <"$dist/$sums" | tr -d ' ') checksums match"
		else
			fail "$sums: checksums do not match: $out"
		fi
	else
		fail "$sums: every line must be '<sha256>  <file name>'"
	fi
fi

# --- the signature -----------------------------------------------------------
if $signed; then
	if [ ! -s "$dist/$sums.sig" ]; then
		fail "missing $sums.sig"
	elif ! command -v gpg >/dev/null; then
		fail "cannot verify $sums.sig: gpg not found"
	elif ! out=$(gpg --batch --verify "$dist/$sums.sig" "$dist/$sums" 2>&1); then
		fail "$sums.sig does not verify: $out"
	else
		ok "$sums.sig verifies"
	fi
fi

# --- the plugin handshake ----------------------------------------------------
# Terraform and OpenTofu start the provider with these variables and read the
# first line of its stdout: core protocol 1, plugin protocol 6, a unix socket
# (tcp on Windows), and grpc.
run_handshake() {
	local host zip work line pid
	host="$(go env GOOS)_$(go env GOARCH)"
	zip="$dist/${prefix}_${host}.zip"
	if [ ! -f "$zip" ]; then
		fail "handshake: no ${prefix}_${host}.zip for this machine"
		return
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/release-check.XXXXXX")
	unzip -q "$zip" -d "$work/bin"
	local bin
	bin="$work/bin/$(binary_for "$(go env GOOS)")"
	mkfifo "$work/stdout"
	env TF_PLUGIN_MAGIC_COOKIE=$magic_cookie \
		PLUGIN_PROTOCOL_VERSIONS=6 \
		PLUGIN_MIN_PORT=10000 PLUGIN_MAX_PORT=25000 \
		PLUGIN_UNIX_SOCKET_DIR="$work" \
		"$bin" >"$work/stdout" 2>"$work/stderr" &
	pid=$!
	line=
	# The fifo opens once the provider has it open too; read waits for its first line.
	read -r -t "$handshake_timeout" line <"$work/stdout" || true
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if [[ $line =~ ^1\|6\|(unix|tcp)\|[^|]+\|grpc\| ]]; then
		ok "handshake: $(basename "$bin") answered ${line%%|grpc|*}|grpc|..."
	else
		fail "handshake: $(basename "$bin") answered '${line}' (want 1|6|unix|<socket>|grpc|...); stderr: $(head -c 500 "$work/stderr")"
	fi
	rm -rf "$work"
}
if $handshake; then run_handshake; fi

if [ "$problems" -gt 0 ]; then
	echo "release-check: $problems problem(s) in $dist" >&2
	exit 1
fi
echo "release-check: $dist is ready for the Terraform and OpenTofu registries"
