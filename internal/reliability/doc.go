// Package reliability holds the provider's reliability and security suite:
// acceptance tests that drive the real CLI against the emulator while it
// injects faults, exhausts the client limit, watches for leaked secrets and
// receives hostile input.
//
// With FLEXSLOT_RELIABILITY_FIGURES=PATH (relative to this directory, where
// go test runs the suite), a successful acceptance run writes to PATH the
// table of what it exercised, as published in docs/guides/reliability.md.
// `make reliability` runs the suite so and prints that table.
package reliability
