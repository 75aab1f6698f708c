package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
)

// HashiCorp's provider changelog format: "## X.Y.Z (Unreleased)" or
// "## X.Y.Z (Month D, YYYY)" headings, newest first; under each, these section
// labels in this order, each followed by "* " entries. Only the unreleased
// version at the top may have no section yet.
var changelogSections = []string{"BREAKING CHANGES:", "NOTES:", "FEATURES:", "ENHANCEMENTS:", "BUG FIXES:"}

const semverPattern = `[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?`

var (
	versionHeading = regexp.MustCompile(`^## (` + semverPattern + `) \((?:Unreleased|(?:January|February|March|April|May|June|July|August|September|October|November|December) [1-9][0-9]?, [0-9]{4})\)$`)
	sectionLabel   = regexp.MustCompile(`^[A-Za-z][A-Za-z ]*:$`)
	continuation   = regexp.MustCompile(`^  [^\s]`)
)

// lintChangelog returns every way the changelog in r departs from the format,
// each as "FILE:LINE: problem".
func lintChangelog(name string, r io.Reader) ([]string, error) {
	var (
		problems                        []string
		versions, lineno, last, entries int
		inSection, inEntry, unreleased  bool
		seen                            = map[string]bool{}
	)
	complain := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s:%d: %s", name, lineno, fmt.Sprintf(format, args...)))
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		lineno++
		if strings.HasPrefix(line, "## ") {
			if versions > 0 && !inSection && !unreleased {
				complain("the version above has no section")
			}
			if inSection && entries == 0 {
				complain("the last section of the version above has no entry")
			}
			versions++
			last, inSection, inEntry = 0, false, false
			unreleased = strings.HasSuffix(line, "(Unreleased)")
			m := versionHeading.FindStringSubmatch(line)
			if m == nil {
				complain("'%s': a version heading is '## X.Y.Z (Unreleased)' or '## X.Y.Z (Month D, YYYY)'", line)
				continue
			}
			if unreleased && versions > 1 {
				complain("only the top version may be (Unreleased)")
			}
			if seen[m[1]] {
				complain("version %s appears twice", m[1])
			}
			seen[m[1]] = true
			continue
		}
		if versions == 0 {
			continue // the text above the first version
		}
		switch {
		case sectionLabel.MatchString(line):
			rank := slices.Index(changelogSections, line) + 1
			switch {
			case rank == 0:
				complain("'%s' is not one of: %s", line, strings.Join(changelogSections, " "))
			case rank <= last:
				complain("'%s' repeated or out of order (order: %s)", line, strings.Join(changelogSections, " "))
			}
			if inSection && entries == 0 {
				complain("the section above '%s' has no entry", line)
			}
			if rank > 0 {
				last = rank
			}
			inSection, inEntry, entries = true, false, 0
		case line == "":
			inEntry = false
		case strings.HasPrefix(line, "* ") && len(line) > 2:
			if !inSection {
				complain("an entry outside a section: '%s'", line)
			}
			inEntry = true
			entries++
		case continuation.MatchString(line) && inEntry:
		default:
			complain("'%s': expected a section label, a '* ' entry or its continuation indented two spaces", line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if versions == 0 {
		complain("no version heading")
	} else if !inSection && !unreleased {
		complain("the last version has no section")
	} else if inSection && entries == 0 {
		complain("the last section has no entry")
	}
	return problems, nil
}

// changelogNotes returns the section of version in the changelog: the release
// notes. A pre-release without a section of its own gets its release's.
func changelogNotes(name, text, version string) (string, error) {
	lines := strings.Split(text, "\n")
	find := func(v string) int {
		return slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "## "+v+" (") })
	}
	base, _, pre := strings.Cut(version, "-")
	at := find(version)
	if at < 0 && pre {
		at = find(base)
	}
	if at < 0 {
		return "", fmt.Errorf("%s has no '## %s (...)' section", name, version)
	}
	if !pre && strings.HasSuffix(lines[at], "(Unreleased)") {
		return "", fmt.Errorf("%s still says '%s'; give it the release date before tagging v%s", name, lines[at], version)
	}
	section := lines[at+1:]
	if end := slices.IndexFunc(section, func(l string) bool { return strings.HasPrefix(l, "## ") }); end >= 0 {
		section = section[:end]
	}
	for len(section) > 0 && section[0] == "" {
		section = section[1:]
	}
	for len(section) > 0 && section[len(section)-1] == "" {
		section = section[:len(section)-1]
	}
	if len(section) == 0 {
		return "", nil
	}
	return strings.Join(section, "\n") + "\n", nil
}

// runChangelog is `releasecheck changelog [-f FILE] [VERSION]`.
func runChangelog(args []string, stdout, stderr io.Writer, defaultFile string) int {
	file := defaultFile
	if len(args) >= 2 && args[0] == "-f" {
		file, args = args[1], args[2:]
	}
	if len(args) > 1 || (len(args) == 1 && strings.HasPrefix(args[0], "-")) {
		fmt.Fprintln(stderr, "usage: releasecheck changelog [-f FILE] [VERSION]")
		return 2
	}
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(stderr, "release-check:", err)
		return 2
	}
	problems, err := lintChangelog(file, strings.NewReader(string(data)))
	if err != nil {
		fmt.Fprintln(stderr, "release-check:", err)
		return 2
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, "release-check: FAIL:", p)
	}
	if len(problems) > 0 {
		return 1
	}
	if len(args) == 0 {
		fmt.Fprintf(stderr, "release-check: ok: %s follows the changelog format\n", file)
		return 0
	}
	notes, err := changelogNotes(file, string(data), args[0])
	if err != nil {
		fmt.Fprintln(stderr, "release-check: FAIL:", err)
		return 1
	}
	_, _ = io.WriteString(stdout, notes)
	return 0
}
