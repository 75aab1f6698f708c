package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/flexslot/terraform-provider-flexslot/internal/acctest"
	"github.com/flexslot/terraform-provider-flexslot/internal/tfconfig"
)

// The key kept only encrypted reaches a provisioner through the ephemeral
// resource, and is in no state or plan file on the way.
func TestAccPartnerAPIKeyEphemeral(t *testing.T) {
	t.Parallel()
	acctest.VersionChecks(t, tfversion.SkipBelow(tfversion.Version1_10_0))
	e := newTestEmulator(t)
	w := newCLIWorkspace(t, e)
	id, _ := age.GenerateX25519Identity()
	out := filepath.Join(t.TempDir(), "key")
	w.SetEnv("TF_VAR_identity", id.String())
	w.WriteConfig(requiredFlexslot + fmt.Sprintf(`
variable "identity" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "flexslot_partner_api_key" "this" {
  secret_recipients = [%s]
}

ephemeral "flexslot_partner_api_key" "this" {
  api_key_encrypted = flexslot_partner_api_key.this.api_key_encrypted
  identity          = var.identity
}

resource "terraform_data" "deploy" {
  triggers_replace = flexslot_partner_api_key.this.api_key_prefix
  provisioner "local-exec" {
    command = "printf %%s \"$KEY\" > \"$OUT\""
    environment = {
      KEY = ephemeral.flexslot_partner_api_key.this.plaintext_api_key
      OUT = %s
    }
  }
}
`, tfconfig.Quote(id.Recipient().String()), tfconfig.Quote(out)))
	w.Apply().RequireSuccess(t)
	key, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !e.Server.VerifyAPIKey(testTokenA, string(key)) {
		t.Fatalf("the key the provisioner got does not verify")
	}
	requireNoPlaintext(t, w, string(key))

	// Without secret_recipients there is nothing to decrypt: the error says how to fix it.
	w.WriteConfig(requiredFlexslot + `
variable "identity" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "flexslot_partner_api_key" "this" {}

ephemeral "flexslot_partner_api_key" "this" {
  api_key_encrypted = flexslot_partner_api_key.this.api_key_encrypted
  identity          = var.identity
}

resource "terraform_data" "deploy" {
  provisioner "local-exec" {
    command = "true"
    environment = {
      KEY = ephemeral.flexslot_partner_api_key.this.plaintext_api_key
    }
  }
}
`)
	r := w.Apply()
	requireFailure(t, r, "No encrypted partner API key to decrypt", "api_key_encrypted is null", "Set secret_recipients")
	if strings.Contains(r.Stdout+r.Stderr, id.String()) {
		t.Fatal("the identity appears in the output")
	}
}
