# Keep the plaintext client secret out of state and plan files: Flexslot's new
# secret is encrypted with age to each recipient as soon as it arrives, and
# only client_secret_encrypted is stored.
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

variable "secret_recipients" {
  description = "Who may decrypt the secret: age recipients (age1..., from age-keygen) and SSH public keys (ssh-ed25519 ... or ssh-rsa ...)."
  type        = set(string)
}

resource "flexslot_oauth2_client" "api" {
  application_name = "Deck Builder API"
  client_type      = "confidential"
  redirect_uris    = ["https://api.decks.example.com/oauth/callback"]
  allowed_scopes   = ["decks:read", "exports:read"]

  # client_secret stays null; client_secret_encrypted holds the secret.
  # Adding or removing a recipient rotates the secret.
  secret_recipients = var.secret_recipients

  # Rotate whenever state holds no working secret: after an import, or after
  # someone rotated the secret in the dashboard.
  rotate_when_stale = true
}

output "api_client_id" {
  value = flexslot_oauth2_client.api.client_id
}

# ASCII-armored age ciphertext, not sensitive:
#   terraform output -raw api_client_secret_encrypted | age -d -i key.txt
output "api_client_secret_encrypted" {
  value = flexslot_oauth2_client.api.client_secret_encrypted
}

# Warn when the secret in state no longer works.
check "api_secret_current" {
  assert {
    condition     = flexslot_oauth2_client.api.secret_current
    error_message = "The secret of ${flexslot_oauth2_client.api.client_id} in state no longer works: it was rotated outside Terraform."
  }
}
