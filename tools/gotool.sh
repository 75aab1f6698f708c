#!/usr/bin/env bash
# Runs a Go-based development tool at the version the project pins:
#
#   tools/gotool.sh NAME [ARG...]     golangci-lint, tfplugindocs, goreleaser, actionlint
#
# Each tool is a `tool` directive of tools/go.mod, the module of the development
# tools. It holds no code, and the provider's module does not descend into it, so
# the provider neither sees nor depends on the tools' dependencies. `go tool`
# builds a tool into Go's build cache on first use (goreleaser takes minutes);
# later runs start at once. To move a tool to another version:
# cd tools && go get -tool PKG@VERSION && go mod tidy (dependabot proposes these
# updates too), and check whether the replace at the end of tools/go.mod is
# still needed.
#
# This is the one place that knows where the tools' module is: the GNUmakefile
# and the scripts run the tools through it.
set -euo pipefail

tools="$(cd "$(dirname "$0")" && pwd)"
name=${1:-}
# The module's tools by name, as go tool names them: the last element of each
# tool directive's package path, less a major version suffix (go tool lists
# Go's own tools first, by name, then the module's, by package path).
names=$(cd "$tools" && GOWORK=off go tool | sed -n '\#/#{s#/v[0-9][0-9]*$##;s#^.*/##;p;}')
if [ -z "$name" ] || ! grep -qxF -- "$name" <<<"$names"; then
	echo "gotool: usage: $0 NAME [ARG...], NAME one of: ${names//$'\n'/ }" >&2
	exit 2
fi
shift
# go tool -n builds the tool when its cached build is missing or stale, and
# prints the command it would run: the binary's path.
binary=$(cd "$tools" && GOWORK=off go tool -n "$name")
exec "$binary" "$@"
