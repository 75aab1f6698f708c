package provider

import (
	"strings"
	"testing"
)

func TestCheckBaseURL(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://api.flexslot.gg":     "",
		"https://api.flexslot.gg/":    "",
		"http://127.0.0.1:8484":       "",
		"http://localhost:8484":       "",
		"http://[::1]:8484":           "",
		"http://api.flexslot.gg":      "plain http to api.flexslot.gg",
		"http://127.0.0.2":            "plain http to 127.0.0.2",
		"http://localhost.example.gg": "plain http",
		"ftp://api.flexslot.gg":       `scheme "ftp"`,
		"api.flexslot.gg":             "not an absolute",
		"":                            "not an absolute",
		"https://":                    "not an absolute",
	} {
		err := checkBaseURL(raw)
		switch {
		case want == "" && err != nil:
			t.Errorf("checkBaseURL(%q) = %v, want nil", raw, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("checkBaseURL(%q) = %v, want an error containing %q", raw, err, want)
		}
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	const base = "terraform-provider-flexslot/1.2.3 (+https://registry.terraform.io/providers/flexslot/flexslot)"
	if got := userAgent("1.2.3", ""); got != base {
		t.Errorf("userAgent without CLI = %q", got)
	}
	if got := userAgent("1.2.3", "1.5.7"); got != base+" Terraform/1.5.7" {
		t.Errorf("userAgent with CLI = %q", got)
	}
}
