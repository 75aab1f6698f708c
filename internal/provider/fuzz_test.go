package provider

import (
	"strconv"
	"strings"
	"testing"
)

// crockford is the ULID alphabet: Crockford's base32, upper case.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// isClientID is an independent statement of the client ID format.
func isClientID(id string) bool {
	rest, ok := strings.CutPrefix(id, "flx_client_")
	if !ok || len(rest) != 26 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if strings.IndexByte(crockford, rest[i]) < 0 {
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
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"flx_client_7ZZZZZZZZZZZZZZZZZZZZZZZZZ",
		"flx_client_00000000000000000000000000",
		"",
		"flx_client_",
		"flx_client_01hx2k5v7q9m3n4p6r8s0t2w4y",
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4I",
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4YZ",
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4",
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y\n",
		" flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y/rotate-secret",
		"FLX_CLIENT_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"flx_cs_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"flx_client_01HX2K5V7Q9M3N4P6R8S0T2W4\u0130",
		"flx_client_０1HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"\x1b[31mflx_client_01HX2K5V7Q9M3N4P6R8S0T2W4Y",
		"../../etc/passwd",
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
