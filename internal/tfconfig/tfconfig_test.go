package tfconfig

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

func TestFile(t *testing.T) {
	got := File(
		Terraform(Flexslot, RequiredProvider{Name: "time", Source: "hashicorp/time", Version: "0.13.1"}),
		Provider{Alias: "a", APIToken: "flx_pat_a", BaseURL: "http://127.0.0.1:1"}.Block(),
		OAuth2Client{
			Provider:         "flexslot.a",
			ApplicationName:  "Web",
			ClientType:       "confidential",
			RedirectURIs:     []string{"https://app.example.com/cb"},
			AllowedScopes:    []string{"cards:read", "decks:read"},
			RotationTriggers: map[string]string{"b": "2", "a.b": "1"},
			Timeouts:         map[string]string{"create": "2s"},
		}.Resource("web").Set("deletion_protection", true).Set("count", Expr("var.n")),
		Import("flexslot_oauth2_client.web", "cli_01"),
		Removed("flexslot_oauth2_client.cli", false),
	)
	want := `terraform {
  required_providers {
    flexslot = {
      source = "flexslot/flexslot"
    }
    time = {
      source  = "hashicorp/time"
      version = "0.13.1"
    }
  }
}

provider "flexslot" {
  alias     = "a"
  api_token = "flx_pat_a"
  base_url  = "http://127.0.0.1:1"
}

resource "flexslot_oauth2_client" "web" {
  provider         = flexslot.a
  application_name = "Web"
  client_type      = "confidential"
  redirect_uris    = ["https://app.example.com/cb"]
  allowed_scopes   = ["cards:read", "decks:read"]
  rotation_triggers = {
    "a.b" = "1"
    b     = "2"
  }
  deletion_protection = true
  count               = var.n
  timeouts {
    create = "2s"
  }
}

import {
  to = flexslot_oauth2_client.web
  id = "cli_01"
}

removed {
  from = flexslot_oauth2_client.cli
  lifecycle {
    destroy = false
  }
}
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("File (-want +got):\n%s", diff)
	}
}

// TestSetQuotes writes values Terraform must read back unchanged: quotes,
// backslashes, template introducers and control characters are escaped.
func TestSetQuotes(t *testing.T) {
	values := []string{
		"",
		`say "hi"`,
		`C:\path`,
		"${var.x} and %{ if true }",
		"$${literal}",
		"line\nbreak\ttab\r",
		"\x1b]0;owned\x07",
		"ń é 日本",
	}
	for _, v := range values {
		src := New("resource", "t", "n").Set("v", v).Set("l", []string{v}).String()
		f, diags := hclsyntax.ParseConfig([]byte(src), "t.tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Errorf("%q: the rendered configuration does not parse: %s\n%s", v, diags.Error(), src)
			continue
		}
		body := f.Body.(*hclsyntax.Body).Blocks[0].Body
		got, diags := body.Attributes["v"].Expr.Value(nil)
		if diags.HasErrors() {
			t.Errorf("%q: %s", v, diags.Error())
			continue
		}
		if got.AsString() != v {
			t.Errorf("written as %s, read back as %q, want %q", src, got.AsString(), v)
		}
		list, diags := body.Attributes["l"].Expr.Value(nil)
		if diags.HasErrors() || list.LengthInt() != 1 || list.Index(cty.NumberIntVal(0)).AsString() != v {
			t.Errorf("%q in a list: read back as %#v (%s)", v, list, diags.Error())
		}
	}
}

func TestSetExprPanicsOnBadExpression(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("an expression that does not parse was accepted")
		}
	}()
	New("locals").Set("x", Expr(`"unterminated`))
}
