# `make demo` only: the encrypted variant of the quickstart's web client. With
# secret_recipients set, Flexslot's secret is encrypted with age as soon as it
# arrives: client_secret stays null and only client_secret_encrypted, ASCII-
# armored age ciphertext, is written to state. docs/guides/keeping-secrets-out-of-state.md
# explains it; examples/guides/secret-recipients/ is the example to copy.

terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
  }
}

# Reads FLEXSLOT_PAT, and FLEXSLOT_BASE_URL when set.
provider "flexslot" {}

variable "secret_recipients" {
  description = "age recipients (age1..., as age-keygen prints them) that may decrypt the secret."
  type        = set(string)
}

resource "flexslot_oauth2_client" "sealed" {
  application_name = "Quickstart Web (encrypted secret)"
  client_type      = "confidential"
  redirect_uris    = ["https://quickstart.example.com/oauth/callback"]
  allowed_scopes   = ["cards:read", "decks:read"]

  secret_recipients = var.secret_recipients
}

output "client_id" {
  value = flexslot_oauth2_client.sealed.client_id
}

# Not sensitive, as only the recipients can read it:
#   tofu output -raw client_secret_encrypted | age -d -i key.txt
output "client_secret_encrypted" {
  value = flexslot_oauth2_client.sealed.client_secret_encrypted
}
