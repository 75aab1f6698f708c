# A confidential client whose secret rotates every 90 days, or at once when
# secret_generation changes, and the new secret delivered in the same apply.
terraform {
  required_providers {
    flexslot = {
      source  = "flexslot/flexslot"
      version = "~> 0.1"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.14"
    }
  }
}

# Reads FLEXSLOT_PAT from the environment.
provider "flexslot" {}

variable "secret_generation" {
  description = "Change this value to rotate the secret now, outside the schedule."
  type        = number
  default     = 1
}

# Every 90 days, the next plan replaces this resource, which gives it a new id.
resource "time_rotating" "web_secret" {
  rotation_days = 90
}

resource "flexslot_oauth2_client" "web" {
  application_name = "Deck Builder"
  client_type      = "confidential"
  redirect_uris    = ["https://decks.example.com/oauth/callback"]
  allowed_scopes   = ["cards:read", "decks:read"]

  # A new, non-empty value rotates the secret in place; the client_id stays.
  rotation_triggers = {
    rotated_at = time_rotating.web_secret.id
    generation = tostring(var.secret_generation)
  }

  deletion_protection = true
}

# When the secret in state was issued, for the app's deployment to compare.
output "web_secret_rotated_at" {
  value = flexslot_oauth2_client.web.secret_rotated_at
}

# Give this to whatever hands the secret to the app, in the same apply: a
# secret store resource in this configuration, or the deploy step after it.
output "web_client_secret" {
  value     = flexslot_oauth2_client.web.client_secret
  sensitive = true
}
