# Flexslot → age ciphertext in state → plaintext in memory only → the
# consumer. No state file and no plan file holds the plaintext secret or the
# identity. Needs Terraform 1.11+ or OpenTofu 1.11+.
terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
  }
}

# Reads FLEXSLOT_PAT from the environment.
provider "flexslot" {}

variable "secret_recipient" {
  description = "The age recipient (age1...) or SSH public key whose private key is flexslot_identity."
  type        = string
}

# Ephemeral: in no state file and no plan file. Only the runners that
# deliver the secret have it (TF_VAR_flexslot_identity).
variable "flexslot_identity" {
  description = "The age identity (AGE-SECRET-KEY-1...) or unencrypted OpenSSH private key of secret_recipient."
  type        = string
  ephemeral   = true
  sensitive   = true
  default     = null
}

# Not ephemeral, so it may decide count: true where flexslot_identity is set.
variable "deliver_client_secret" {
  description = "Whether this run decrypts and delivers the client secret. Set it where flexslot_identity is set."
  type        = bool
  default     = false
}

resource "flexslot_oauth2_client" "api" {
  application_name  = "Deck Builder API"
  client_type       = "confidential"
  redirect_uris     = ["https://api.decks.example.com/oauth/callback"]
  allowed_scopes    = ["decks:read"]
  secret_recipients = [var.secret_recipient]

  # Rotate once Flexslot's secret is 90 days old, and whenever state holds
  # no working secret (after an import or a rotation in the dashboard).
  rotation_period   = "90d"
  rotate_when_stale = true
}

ephemeral "flexslot_oauth2_client_secret" "api" {
  count = var.deliver_client_secret ? 1 : 0

  client_secret_encrypted = flexslot_oauth2_client.api.client_secret_encrypted
  identity                = var.flexslot_identity
}

locals {
  # Null on runners that do not deliver; never stored anywhere.
  client_secret = one(ephemeral.flexslot_oauth2_client_secret.api[*].client_secret)
}

# A deploy step: runs again with every new secret, in the apply that rotates it.
resource "terraform_data" "deploy_secret" {
  triggers_replace = [flexslot_oauth2_client.api.secret_version]

  lifecycle {
    # Plans run anywhere; an apply must deliver the secret.
    precondition {
      condition     = var.deliver_client_secret || !terraform.applying
      error_message = "This apply cannot deliver the client secret: set deliver_client_secret = true and TF_VAR_flexslot_identity."
    }
  }

  provisioner "local-exec" {
    command = "./deploy-secret.sh"
    environment = {
      FLEXSLOT_CLIENT_ID     = flexslot_oauth2_client.api.client_id
      FLEXSLOT_CLIENT_SECRET = local.client_secret
    }
  }
}
