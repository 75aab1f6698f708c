package provider

import (
	"strconv"
	"strings"
	"testing"
)

// isClientID is an independent statement of what an import ID may be: client
// IDs are opaque, so any non-empty run of URL-path-safe characters but the
// path steps "." and "..".
func isClientID(id string) bool {
	if id == "" || id == "." || id == ".." {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~", rune(id[i])) {
			return false
		}
	}
	return true
}

// FuzzParseClientID checks the import ID parser against an independent
// statement of the format, and that a refusal quotes the input safely: the
// error holds the id Go-quoted, so no control character or newline from an
// import ID reaches the terminal.
func FuzzParseClientID(f *testing.F) {
	for _, seed := range []string{
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"opaque-id.v2~x",
		"",
		".",
		"..",
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y\n",
		" cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4Y/rotate-secret",
		"cli_01HX2K5V7Q9M3N4P6R8S0T2W4\u0130",
		"cli_０1HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"\x1b[31mcli_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"../../etc/passwd",
		"a%2Fb",
		"\xff\xfe",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		err := parseClientID(id)
		if want := isClientID(id); (err == nil) != want {
			t.Fatalf("parseClientID(%q) = %v, want valid = %t", id, err, want)
		}
		if err == nil {
			return
		}
		msg := err.Error()
		if !strings.Contains(msg, strconv.Quote(id)) {
			t.Errorf("the error does not quote the id %q: %s", id, msg)
		}
		if strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Errorf("the error holds a control character: %q", msg)
		}
	})
}
