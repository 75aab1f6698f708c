#!/usr/bin/env bash
# Runs a Go-based development tool at the version the project pins:
#
#   tools/gotool.sh NAME [ARG...]     golangci-lint, tfplugindocs, goreleaser, actionlint
#
# Each tool is the `tool` directive of its own module, tools/gotools/NAME/go.mod,
# so each is built with exactly the dependencies its release was tested with (one
# module for all of them would let one tool's requirements raise another's; so it
# does: goreleaser's go.yaml.in/yaml/v4 breaks actionlint's build). `go tool`
# builds it into Go's build cache on first use; later runs start at once. To move
# a tool to another version: cd tools/gotools/NAME && go get -tool PKG@VERSION &&
# go mod tidy (dependabot proposes these updates too).
#
# This is the one place that knows where the tools' modules are: the GNUmakefile
# and the scripts run the tools through it.
set -euo pipefail

gotools="$(cd "$(dirname "$0")" && pwd)/gotools"
name=${1:-}
if [ -z "$name" ] || [ ! -f "$gotools/$name/go.mod" ]; then
	echo "gotool: usage: $0 NAME [ARG...], NAME one of: $(cd "$gotools" && echo */ | tr -d /)" >&2
	exit 2
fi
shift
# go tool -n builds the tool when its cached build is missing or stale, and
# prints the command it would run: the binary's path.
binary=$(cd "$gotools/$name" && GOWORK=off go tool -n "$name")
exec "$binary" "$@"
