# OpenTofu 1.7+ only: state and plan files are encrypted before they are
# written, locally or to any backend, so the client secret in them is too.
#
#   export TF_VAR_state_passphrase='...'   # from your secret store, 16+ characters
#   tofu init && tofu apply
terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
  }

  encryption {
    key_provider "pbkdf2" "state" {
      passphrase = var.state_passphrase
    }

    method "aes_gcm" "state" {
      keys = key_provider.pbkdf2.state
    }

    # enforced = true: refuse to write or read an unencrypted file.
    state {
      method   = method.aes_gcm.state
      enforced = true
    }

    plan {
      method   = method.aes_gcm.state
      enforced = true
    }
  }
}

variable "state_passphrase" {
  description = "Passphrase the state and plan encryption keys are derived from: at least 16 characters. Losing it loses the state."
  type        = string
  sensitive   = true
}

# Reads FLEXSLOT_PAT from the environment.
provider "flexslot" {}

resource "flexslot_oauth2_client" "web" {
  application_name = "Deck Builder"
  client_type      = "confidential"
  redirect_uris    = ["https://decks.example.com/oauth/callback"]
  allowed_scopes   = ["cards:read", "decks:read"]
}

output "web_client_secret" {
  value     = flexslot_oauth2_client.web.client_secret
  sensitive = true
}
